package dev.mappedheap.structs.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.Durability;
import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.HeapStats;
import dev.mappedheap.allocator.InvalidOffsetException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commit, abort and exceptions: all of a transaction or none of it, allocations included. */
class TransactionTest {
    @TempDir Path dir;

    @Test
    void committedTransfersKeepTheInvariantsAndSurviveReopen() {
        Path file = dir.resolve("bank.heap");
        long base;
        try (var heap = Bank.create(file).heap) {
            base = heap.stats().liveBlocks();
        }
        Bank bank = Bank.open(file);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 2000; i++) {
            bank.transfer(random, -1);
        }
        long receipts = bank.receipts();
        assertThat(bank.total()).isEqualTo(Bank.ACCOUNTS * Bank.INITIAL);
        assertThat(receipts).isEqualTo(bank.heap.readLong(bank.bank + Bank.COUNT)).isBetween(1000L, 1700L);
        assertThat(bank.heap.stats().liveBlocks()).as("bank, table and receipts; no log left").isEqualTo(base + receipts);
        bank.heap.close();
        Bank again = Bank.open(file);
        assertThat(again.total()).isEqualTo(Bank.ACCOUNTS * Bank.INITIAL);
        assertThat(again.receipts()).isEqualTo(receipts);
        assertThat(again.heap.check().ok()).isTrue();
        again.heap.close();
    }

    @Test
    void transactionsCommitAndAbortOnAHeapThatSyncsEachOperation() {
        Path file = dir.resolve("durable.heap");
        Bank bank = Bank.create(file, HeapOptions.defaults().durability(Durability.SYNC_EACH_OPERATION));
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < 10; i++) {
            bank.transfer(random, -1);
        }
        assertThatThrownBy(() -> bank.transfer(random, 2)).hasMessage("injected failure");
        long receipts = bank.receipts();
        assertThat(bank.total()).isEqualTo(Bank.ACCOUNTS * Bank.INITIAL);
        bank.heap.close();
        Bank again = Bank.open(file);
        assertThat(again.receipts()).isEqualTo(receipts).isEqualTo(again.heap.readLong(again.bank + Bank.COUNT));
        assertThat(again.total()).isEqualTo(Bank.ACCOUNTS * Bank.INITIAL);
        assertThat(again.heap.check().ok()).isTrue();
        again.heap.close();
    }

    @Test
    void anExceptionAtAnyPointUndoesEverythingIncludingAllocations() {
        Bank bank = Bank.create(dir.resolve("bank.heap"));
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 50; i++) {
            bank.transfer(random, -1);
        }
        byte[] before = snapshot(bank);
        HeapStats stats = bank.heap.stats();
        for (int failAt = 0; failAt < 4; failAt++) {
            int at = failAt;
            assertThatThrownBy(() -> bank.transfer(random, at)).hasMessage("injected failure");
            assertThat(snapshot(bank)).as("fail at %d", failAt).isEqualTo(before);
            assertThat(bank.heap.stats().liveBlocks()).as("fail at %d: nothing leaked", failAt)
                    .isEqualTo(stats.liveBlocks());
            assertThat(bank.heap.stats().usedBytes()).isEqualTo(stats.usedBytes());
        }
        bank.transfer(random, -1); // the lock was released: the next transfer goes through
        assertThat(bank.heap.check().ok()).isTrue();
        bank.heap.close();
    }

    @Test
    void explicitAbortAndDeferredFree() {
        Bank bank = Bank.create(dir.resolve("bank.heap"));
        long block = bank.heap.allocate(64);
        bank.heap.writeLong(block, 7);
        try (Transaction tx = bank.transactions.begin()) {
            tx.writeLong(block, 8);
            tx.free(block);
            assertThat(bank.heap.usableSize(block)).as("a free waits for the commit").isPositive();
            assertThatThrownBy(() -> tx.free(block)).isInstanceOf(InvalidOffsetException.class);
            tx.abort();
            assertThatThrownBy(tx::commit).isInstanceOf(IllegalStateException.class);
        }
        assertThat(bank.heap.readLong(block)).isEqualTo(7);
        try (Transaction tx = bank.transactions.begin()) {
            tx.free(block);
            tx.commit();
        }
        assertThatThrownBy(() -> bank.heap.usableSize(block)).isInstanceOf(InvalidOffsetException.class);
        assertThat(bank.heap.check().ok()).isTrue();
        bank.heap.close();
    }

    @Test
    void aBigTransactionSpansSeveralLogBlocks() {
        Bank bank = Bank.create(dir.resolve("bank.heap"));
        long base = bank.heap.stats().liveBlocks();
        long big = bank.heap.allocate(64 << 10);
        for (long at = 0; at < (64 << 10); at += 8) {
            bank.heap.writeLong(big + at, ~at);
        }
        try (Transaction tx = bank.transactions.begin()) {
            for (long at = 0; at < (64 << 10); at += 8) {
                tx.writeLong(big + at, at);
            }
            for (int i = 0; i < 600; i++) {
                tx.allocate(24);
            }
            tx.abort();
        }
        for (long at = 0; at < (64 << 10); at += 8) {
            assertThat(bank.heap.readLong(big + at)).isEqualTo(~at);
        }
        assertThat(bank.heap.stats().liveBlocks()).isEqualTo(base + 1);
        assertThat(bank.heap.check().ok()).isTrue();
        bank.heap.close();
    }

    private static byte[] snapshot(Bank bank) {
        byte[] bytes = new byte[(int) (Bank.ACCOUNTS_AT + 8 * Bank.ACCOUNTS)];
        bank.heap.read(bank.bank, bytes, 0, bytes.length);
        return bytes;
    }
}
