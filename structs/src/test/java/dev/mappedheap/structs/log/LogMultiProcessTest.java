package dev.mappedheap.structs.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.ChildJvm;
import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.allocator.RunningChild;
import dev.mappedheap.structs.roots.NamedRoots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producers and listeners in separate JVMs on one log: exactly-once in-order delivery to every listener that
 * does not die, at-least-once from the last acknowledgement for one that is killed and restarted, and a log
 * that stays usable, consistent and leak-free while producers are killed in the middle of appends.
 *
 * <p>{@code -Dmappedheap.log.kills=N} (default 20) kills of producers, {@code -Dmappedheap.log.seed=S}
 * (printed) to replay the kill timing.
 */
class LogMultiProcessTest {
    private static final int KILLS = Integer.getInteger("mappedheap.log.kills", 20);
    private static final long SEED = Long.getLong("mappedheap.log.seed", System.nanoTime());
    private static final int SEGMENT = 64 * 1024;

    @TempDir Path dir;

    /** Creates the heap with the log under the root "log" and the given listeners registered (not open). */
    private Path create(String... listeners) {
        Path file = dir.resolve("log.heap");
        try (MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults().initialSize(8 << 20))) {
            HeapLog log = HeapLog.create(heap, SEGMENT, 8);
            NamedRoots.open(heap).put("log", log.offset());
            for (String name : listeners) {
                log.register(name).close();
            }
        }
        return file;
    }

    private static RunningChild producer(Path file, int id, long count, int spread) throws Exception {
        return RunningChild.start("producer-" + id, ChildJvm.command(LogProducerChild.class, file.toString(), "" + id,
                "" + count, "" + spread));
    }

    private static RunningChild listener(Path file, String name, int producers, long count, int spread, int ackEvery,
            String... ackLog) throws Exception {
        List<String> args = new ArrayList<>(List.of(file.toString(), name, "" + producers, "" + count, "" + spread,
                "" + ackEvery));
        args.addAll(List.of(ackLog));
        return RunningChild.start("listener-" + name, ChildJvm.command(LogListenerChild.class, args.toArray(new String[0])));
    }

    @Test
    void twoProducersTwoListenersDeliverEveryEntryOnceInOrder() throws Exception {
        long count = 20_000;
        int spread = 400;
        Path file = create("a", "b");
        List<RunningChild> children = new ArrayList<>();
        try {
            RunningChild a = listener(file, "a", 2, count, spread, 100);
            RunningChild b = listener(file, "b", 2, count, spread, 1000);
            children.addAll(List.of(a, b));
            a.awaitLine("ready", 60_000);
            b.awaitLine("ready", 60_000);
            children.add(producer(file, 0, count, spread));
            children.add(producer(file, 1, count, spread));
            for (RunningChild child : children) {
                assertThat(child.awaitExit(180)).as("%s: %s", child, child.output()).isZero();
            }
            String digestA = a.awaitLine("done", 1000);
            String digestB = b.awaitLine("done", 1000);
            assertThat(digestA).as("both listeners saw the same entries in the same order")
                    .isEqualTo(digestB).startsWith("done entries=" + 2 * count + " ");
            assertThat(a.awaitLine("first 0", 1000)).isEqualTo("first 0 0");
            assertThat(a.awaitLine("first 1", 1000)).isEqualTo("first 1 0");
            assertThat(b.awaitLine("first 0", 1000)).isEqualTo("first 0 0");
            assertThat(b.awaitLine("first 1", 1000)).isEqualTo("first 1 0");
        } finally {
            children.forEach(RunningChild::close);
        }
        assertReclaimsEverything(file, "a", "b");
    }

    @Test
    void killedListenerResumesFromItsLastAcknowledgement() throws Exception {
        long count = 30_000;
        int spread = 200;
        Path file = create("victim");
        Random random = new Random(SEED);
        System.out.println("listener kills: seed=" + SEED);
        List<RunningChild> children = new ArrayList<>();
        try {
            // all entries first: each incarnation is killed after at most 2,000 of the 30,000, so none finishes
            RunningChild producer = producer(file, 0, count, spread);
            children.add(producer);
            assertThat(producer.awaitExit(180)).as("%s", producer.output()).isZero();
            List<RunningChild> incarnations = new ArrayList<>();
            for (int kill = 0; kill < 3; kill++) {
                RunningChild victim = listener(file, "victim", 1, count, spread, 50, ackLog(kill).toString());
                children.add(victim);
                incarnations.add(victim);
                victim.awaitLine("ready", 60_000);
                assertThat(victim.awaitOpsAbove(random.nextInt(2000), 60_000)).as("%s reads: %s", victim, victim.output())
                        .isTrue();
                victim.kill();
            }
            RunningChild survivor = listener(file, "victim", 1, count, spread, 50, ackLog(3).toString());
            children.add(survivor);
            incarnations.add(survivor);
            assertThat(survivor.awaitExit(180)).as("%s", survivor.output()).isZero();
            long lastAcking = -1;
            for (int i = 0; i < incarnations.size(); i++) {
                long first = firstSeq(incarnations.get(i));
                assertThat(first).as("incarnation %d starts at or before its predecessor's last ack + 1", i)
                        .isLessThanOrEqualTo(lastAcking + 1);
                lastAcking = Math.max(lastAcking, lastAcking(ackLog(i)));
            }
            assertThat(lastAcking).as("the survivor read to the end").isEqualTo(count - 1);
        } finally {
            children.forEach(RunningChild::close);
        }
        assertReclaimsEverything(file, "victim");
    }

    @Test
    void killedProducersLeaveTheLogUsableAndNothingLeaks() throws Exception {
        int spread = 6000;
        Path file = create();
        Random random = new Random(SEED);
        System.out.println("producer kills: seed=" + SEED + " kills=" + KILLS);
        int holdingLock = 0;
        long delivered = 0;
        try (MappedHeap heap = MappedHeap.open(file)) {
            HeapLog log = HeapLog.open(heap, NamedRoots.open(heap).get("log").orElseThrow());
            long fixed = heap.stats().liveBlocks() - log.check().blocks();
            byte[] buffer = new byte[LogEntries.HEAD + spread];
            try (LogListener audit = log.register("audit")) {
                for (int kill = 0; kill <= KILLS; kill++) {
                    boolean last = kill == KILLS;
                    try (RunningChild child = producer(file, kill, last ? 500 : -1, spread)) {
                        child.awaitLine("ready", 60_000);
                        if (last) {
                            assertThat(child.awaitExit(120)).as("%s", child.output()).isZero();
                        } else {
                            assertThat(child.awaitOpsAbove(random.nextInt(3) * 100, 60_000)).as("%s", child).isTrue();
                            Thread.sleep(random.nextInt(30));
                            child.kill();
                            long word = heap.readVolatileLong(log.offset() + LogLayout.LOCK_OFFSET);
                            if (word != 0 && !heap.isOwnerAlive(word)) {
                                holdingLock++;
                            }
                        }
                    }
                    LogCheckReport report = log.check(); // takes the lock over from a dead producer first
                    assertThat(report.ok()).as("after kill %d: %s", kill, report).isTrue();
                    assertThat(heap.stats().liveBlocks()).as("after kill %d nothing leaked: %s", kill, report)
                            .isEqualTo(fixed + report.blocks());
                    long seq = -1;
                    for (int length; (length = audit.read(buffer)) >= 0;) {
                        LogEntries.verify(buffer, length, spread);
                        assertThat(LogEntries.producer(buffer)).as("only producer %d's entries now", kill).isEqualTo(kill);
                        assertThat(LogEntries.seq(buffer)).as("producer %d in order, no gap", kill).isEqualTo(seq + 1);
                        seq = LogEntries.seq(buffer);
                        delivered++;
                    }
                    audit.ack();
                    if (last) {
                        assertThat(seq).as("the last producer's entries all arrived").isEqualTo(499);
                    }
                    report = log.check().orThrow();
                    assertThat(report.segments()).as("everything acknowledged: %s", report).isEqualTo(1);
                }
            }
            assertThat(log.unregister("audit")).isTrue();
            LogCheckReport report = log.check().orThrow();
            assertThat(heap.stats().liveBlocks()).isEqualTo(fixed + report.blocks());
            assertThat(heap.check().ok()).isTrue();
            System.out.printf("producer kills: %d kills, %d while holding the log's lock, %d entries delivered, %s%n",
                    KILLS, holdingLock, delivered, report);
        }
        if (KILLS >= 10) {
            assertThat(holdingLock).as("some kills hit an append in progress").isPositive();
        }
    }

    private static long firstSeq(RunningChild child) throws InterruptedException {
        return Long.parseLong(child.awaitLine("first 0 ", 10_000).substring("first 0 ".length()));
    }

    private Path ackLog(int incarnation) {
        return dir.resolve("acks-" + incarnation + ".txt");
    }

    /** @return the last sequence number a listener child wrote it was acknowledging, -1 if none */
    private static long lastAcking(Path ackLog) throws IOException {
        long last = -1;
        if (!Files.exists(ackLog)) {
            return last;
        }
        for (String line : Files.readAllLines(ackLog)) {
            if (line.startsWith("acking 0 ")) {
                last = Long.parseLong(line.substring("acking 0 ".length()));
            }
        }
        return last;
    }

    /** Unregisters the listeners: all but the tail segment is freed, the heap holds only the log's blocks. */
    private static void assertReclaimsEverything(Path file, String... listeners) {
        try (MappedHeap heap = MappedHeap.open(file)) {
            HeapLog log = HeapLog.open(heap, NamedRoots.open(heap).get("log").orElseThrow());
            assertThat(log.listeners()).containsExactlyInAnyOrder(listeners);
            LogCheckReport report = log.check().orThrow();
            assertThat(report.entries()).isGreaterThan(0);
            for (String name : listeners) {
                try (LogListener listener = log.listener(name)) {
                    while (listener.read(new byte[SEGMENT]) >= 0) {
                        // drain what a killed listener left unacknowledged
                    }
                    listener.ack();
                }
            }
            Arrays.stream(listeners).forEach(log::unregister);
            report = log.check().orThrow();
            assertThat(report.segments()).isEqualTo(1);
            long others = 2; // the named-roots directory and the log header
            assertThat(heap.stats().liveBlocks()).as("%s", report).isEqualTo(others - 1 + report.blocks());
            assertThat(heap.check().ok()).isTrue();
        }
    }
}
