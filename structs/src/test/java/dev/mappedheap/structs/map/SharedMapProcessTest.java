package dev.mappedheap.structs.map;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.ChildJvm;
import dev.mappedheap.allocator.RunningChild;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One map, three JVMs: a writer child changes a {@link PairedMap} in transactions while two reader children
 * verify consistent reads, and the writer is killed (kill -9) at random moments and replaced. Readers must
 * never see a torn state and never stall on a dead writer; at the end the map checks clean and the heap holds
 * exactly the root, the transaction table, the map header and the map's nodes.
 *
 * <p>{@code -Dmappedheap.map.kills=N} (default 10), {@code -Dmappedheap.map.seed=S} (printed, to replay).
 */
class SharedMapProcessTest {
    private static final int KILLS = Integer.getInteger("mappedheap.map.kills", 10);
    private static final long SEED = Long.getLong("mappedheap.map.seed", System.nanoTime());

    @TempDir Path dir;

    @Test
    void readersSeeOnlyWholeTransactionsWhileTheWriterIsKilled() throws Exception {
        System.out.println("shared map: seed=" + SEED + " kills=" + KILLS);
        Random random = new Random(SEED);
        Path file = dir.resolve("map.heap");
        PairedMap created = PairedMap.create(file, 256); // small nodes: a deep tree, many splits and merges
        SplittableRandom fill = new SplittableRandom(SEED);
        for (int i = 0; i < 2_000; i++) {
            created.step(fill);
        }
        created.heap.close();

        List<RunningChild> readers = new ArrayList<>();
        RunningChild writer = null;
        int killedHoldingTheLock = 0;
        PairedMap observer = PairedMap.open(file);
        try {
            for (int i = 0; i < 2; i++) {
                readers.add(RunningChild.start("reader" + i, ChildJvm.command(SharedMapWorker.class, "read",
                        file.toString(), "" + random.nextLong())));
            }
            for (int kill = 1; kill <= KILLS; kill++) {
                writer = RunningChild.start("writer", ChildJvm.command(SharedMapWorker.class, "write",
                        file.toString(), "" + random.nextLong()));
                writer.awaitLine("ready", 60_000);
                assertThat(writer.awaitOpsAbove(0, 60_000)).as("%s works", writer).isTrue();
                Thread.sleep(random.nextInt(150));
                writer.kill();
                long lockWord = observer.heap.readVolatileLong(observer.map.headerOffset()
                        + MapHeaderLayout.LOCK_WORD_OFFSET);
                if (lockWord != 0 && !observer.heap.isOwnerAlive(lockWord)) {
                    killedHoldingTheLock++;
                }
                writer = null;
            }
            writer = RunningChild.start("writer", ChildJvm.command(SharedMapWorker.class, "write", file.toString(),
                    "" + random.nextLong()));
            writer.awaitLine("ready", 60_000);
            long readsBefore = readers.get(0).ops();
            assertThat(readers.get(0).awaitOpsAbove(readsBefore + 100, 60_000))
                    .as("readers go on after the kills").isTrue();
            long reads = 0;
            List<RunningChild> all = new ArrayList<>(readers);
            all.add(writer);
            for (RunningChild child : all) {
                child.send("stop");
            }
            for (RunningChild child : all) {
                assertThat(child.awaitExit(120)).as(child.output()).isZero();
                String done = child.awaitLine("done", 1000);
                assertThat(done).as(child.output()).endsWith("violations=0");
                if (child != writer) {
                    reads += Long.parseLong(done.substring("done ops=".length(), done.indexOf(' ', 9)));
                }
            }
            observer.transactions.recoverDead();
            MapCheckReport report = observer.map.check();
            long liveBlocks = observer.heap.stats().liveBlocks();
            System.out.printf("shared map: %d writer kills (%d holding the map lock), %d consistent reads by 2"
                    + " readers, %d entries, %d nodes, live blocks %d (expected %d)%n", KILLS, killedHoldingTheLock,
                    reads, report.entries(), report.nodes(), liveBlocks, 3 + report.nodes());
            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(report.entries() % 2).isZero();
            assertThat(liveBlocks).as("root, table, header and nodes; nothing leaked").isEqualTo(3 + report.nodes());
            assertThat(observer.heap.check().ok()).isTrue();
            assertThat(reads).isPositive();
        } finally {
            readers.forEach(RunningChild::close);
            if (writer != null) {
                writer.close();
            }
            observer.heap.close();
        }
    }
}
