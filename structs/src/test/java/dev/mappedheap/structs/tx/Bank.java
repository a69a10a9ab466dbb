package dev.mappedheap.structs.tx;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.HeapWriter;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A test workload for transactions: accounts whose balances always sum to the same total, and a linked list
 * of receipts, one per transfer, with a count. A transfer moves money between two accounts, allocates a
 * receipt and links it in; sometimes it also unlinks and frees the oldest-linked receipt. Any torn transfer
 * breaks the sum, the count, or the heap's live-block figure.
 *
 * <p>Bank block: {@code +0} lock word, {@code +8} list head, {@code +16} receipt count, {@code +24} the
 * transaction table, {@code +32} accounts[ACCOUNTS]. Receipt: {@code +0} next, {@code +8} amount.
 */
final class Bank {
    static final int ACCOUNTS = 16;
    static final long INITIAL = 1_000;
    static final long LOCK = 0;
    static final long HEAD = 8;
    static final long COUNT = 16;
    static final long TABLE = 24;
    static final long ACCOUNTS_AT = 32;
    /** Above this many receipts every transfer also frees one, so long runs keep the heap small. */
    static final long MAX_RECEIPTS = 5_000;

    final MappedHeap heap;
    final long bank;
    final Transactions transactions;

    private Bank(MappedHeap heap, long bank, Transactions transactions) {
        this.heap = heap;
        this.bank = bank;
        this.transactions = transactions;
    }

    static Bank create(Path file) {
        return create(file, HeapOptions.defaults());
    }

    static Bank create(Path file, HeapOptions options) {
        MappedHeap heap = MappedHeap.create(file, options);
        long bank = heap.allocate(ACCOUNTS_AT + 8 * ACCOUNTS);
        for (long at = 0; at < ACCOUNTS_AT; at += 8) {
            heap.writeLong(bank + at, 0);
        }
        for (int i = 0; i < ACCOUNTS; i++) {
            heap.writeLong(bank + ACCOUNTS_AT + 8L * i, INITIAL);
        }
        Transactions transactions = Transactions.create(heap, 8);
        heap.writeLong(bank + TABLE, transactions.offset());
        heap.setRoot(bank);
        return new Bank(heap, bank, transactions);
    }

    static Bank open(Path file) {
        MappedHeap heap = MappedHeap.open(file);
        long bank = heap.root();
        return new Bank(heap, bank, Transactions.open(heap, heap.readLong(bank + TABLE)));
    }

    /** One transfer in one transaction; {@code failAt} (0..3, or -1) throws midway to test the undo. */
    void transfer(SplittableRandom random, int failAt) {
        try (Transaction tx = transactions.begin()) {
            tx.lock(bank + LOCK);
            int from = random.nextInt(ACCOUNTS);
            int to = random.nextInt(ACCOUNTS);
            long amount = random.nextInt(50);
            add(tx, from, -amount);
            failIf(failAt == 0);
            long receipt = tx.allocate(16 + random.nextInt(200));
            tx.writeLong(receipt + 8, amount);
            failIf(failAt == 1);
            tx.writeLong(receipt, heap.readLong(bank + HEAD));
            tx.writeLong(bank + HEAD, receipt);
            tx.writeLong(bank + COUNT, heap.readLong(bank + COUNT) + 1);
            failIf(failAt == 2);
            if (heap.readLong(bank + COUNT) > MAX_RECEIPTS || random.nextInt(3) == 0) {
                long second = heap.readLong(receipt);
                if (second != 0) { // unlink the receipt after the new one, and free it
                    tx.writeLong(receipt, heap.readLong(second));
                    tx.free(second);
                    tx.writeLong(bank + COUNT, heap.readLong(bank + COUNT) - 1);
                }
            }
            add(tx, to, amount);
            failIf(failAt == 3);
            tx.commit();
        }
    }

    private void add(HeapWriter tx, int account, long delta) {
        long at = bank + ACCOUNTS_AT + 8L * account;
        tx.writeLong(at, heap.readLong(at) + delta);
    }

    private static void failIf(boolean fail) {
        if (fail) {
            throw new IllegalStateException("injected failure");
        }
    }

    long total() {
        long sum = 0;
        for (int i = 0; i < ACCOUNTS; i++) {
            sum += heap.readLong(bank + ACCOUNTS_AT + 8L * i);
        }
        return sum;
    }

    /** @return receipts on the list, walked (bounded by the count plus one) */
    long receipts() {
        long count = heap.readLong(bank + COUNT);
        long walked = 0;
        for (long r = heap.readLong(bank + HEAD); r != 0; r = heap.readLong(r)) {
            heap.usableSize(r); // every linked receipt is a live block
            if (++walked > count + 1) {
                break;
            }
        }
        return walked;
    }
}
