package dev.mappedheap.structs.tx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.ChildJvm;
import dev.mappedheap.allocator.HeapStats;
import dev.mappedheap.allocator.RunningChild;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 in the middle of transactions: two child JVMs run transfers on one bank (see {@link Bank}); one of
 * them is killed at a random moment, again and again, and replaced. After every kill this JVM takes the bank's
 * lock in a transaction (taking it over from the dead child if it held it, which rolls the dead child's
 * transaction back) and checks that the money adds up and every linked receipt is live. At the end nothing
 * has leaked: the heap holds exactly the bank, the table and the linked receipts.
 *
 * <p>{@code -Dmappedheap.tx.kills=N} (default 100), {@code -Dmappedheap.tx.seed=S} (printed, to replay).
 */
class TransactionKillTest {
    private static final int KILLS = Integer.getInteger("mappedheap.tx.kills", 100);
    private static final long SEED = Long.getLong("mappedheap.tx.seed", System.nanoTime());

    @TempDir Path dir;

    @Test
    void killedTransactionsAreRolledBackAndNothingLeaks() throws Exception {
        System.out.println("transaction kills: seed=" + SEED + " kills=" + KILLS);
        Random random = new Random(SEED);
        Path file = dir.resolve("bank.heap");
        long fixedBlocks;
        try (var heap = Bank.create(file).heap) {
            fixedBlocks = heap.stats().liveBlocks();
        }
        List<RunningChild> running = new ArrayList<>();
        int killedInTransaction = 0;
        Bank observer = Bank.open(file);
        try {
            for (int i = 0; i < 2; i++) {
                running.add(start(file, random.nextLong()));
            }
            for (int kill = 1; kill <= KILLS; kill++) {
                RunningChild victim = running.get(random.nextInt(running.size()));
                victim.awaitLine("ready", 60_000);
                assertThat(victim.awaitOpsAbove(0, 60_000)).as("%s works", victim).isTrue();
                Thread.sleep(random.nextInt(100));
                victim.kill();
                running.remove(victim);
                if (observer.heap.readVolatileLong(observer.bank + Bank.LOCK) != 0
                        && !observer.heap.isOwnerAlive(observer.heap.readVolatileLong(observer.bank + Bank.LOCK))) {
                    killedInTransaction++;
                }
                try (Transaction tx = observer.transactions.begin()) {
                    tx.lock(observer.bank + Bank.LOCK);
                    assertThat(observer.total()).as("after kill %d the money adds up", kill)
                            .isEqualTo(Bank.ACCOUNTS * Bank.INITIAL);
                    assertThat(observer.receipts()).as("after kill %d", kill)
                            .isEqualTo(observer.heap.readLong(observer.bank + Bank.COUNT));
                    tx.abort();
                }
                running.add(start(file, random.nextLong()));
            }
            long ops = 0;
            for (RunningChild child : running) {
                child.awaitLine("ready", 60_000);
                child.send("stop");
            }
            for (RunningChild child : running) {
                assertThat(child.awaitExit(120)).as(child.output()).isZero();
                ops += Long.parseLong(child.awaitLine("done", 1000).substring("done ops=".length()));
            }
            observer.transactions.recoverDead();
            HeapStats stats = observer.heap.stats();
            long receipts = observer.receipts();
            System.out.printf("transaction kills: %d kills (%d holding the bank lock mid-transaction), survivors'"
                    + " transfers %d, receipts %d, live blocks %d (expected %d), lock takeovers %d%n", KILLS,
                    killedInTransaction, ops, receipts, stats.liveBlocks(), fixedBlocks + receipts,
                    stats.lockTakeovers());
            assertThat(observer.total()).isEqualTo(Bank.ACCOUNTS * Bank.INITIAL);
            assertThat(receipts).isEqualTo(observer.heap.readLong(observer.bank + Bank.COUNT));
            assertThat(stats.liveBlocks()).as("nothing leaked: no receipt, no log block").isEqualTo(fixedBlocks + receipts);
            assertThat(observer.heap.check().ok()).isTrue();
            assertThat(killedInTransaction).as("some kills hit a transaction in progress").isPositive();
        } finally {
            running.forEach(RunningChild::close);
            observer.heap.close();
        }
    }

    private static RunningChild start(Path file, long seed) throws Exception {
        return RunningChild.start("bank", ChildJvm.command(BankWorker.class, file.toString(), "" + seed));
    }
}
