package dev.mappedheap.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three child JVMs with two threads each allocate, stamp, verify, reallocate and free on one heap for a
 * bounded time, growing it from 1 MiB several times. Each child verifies every block it frees or resizes
 * (a block handed to two owners would fail its stamp) and exits 0 only if all held; afterwards the heap's
 * check is clean and nothing is left allocated.
 */
class MultiProcessStressTest {
    private static final int PROCESSES = 3;
    private static final int THREADS = 2;
    private static final long MILLIS = Long.getLong("mappedheap.stress.millis", 6000);

    @TempDir Path dir;

    @Test
    void threeProcessesOfTwoThreadsShareOneGrowingHeap() throws Exception {
        Path file = dir.resolve("stress.heap");
        HeapOptions options = HeapOptions.defaults().initialSize(1 << 20).growthIncrement(1 << 20);
        try (MappedHeap heap = MappedHeap.create(file, options)) {
            assertThat(heap.stats().capacity()).isEqualTo(1 << 20);
        }
        List<RunningChild> children = new ArrayList<>();
        try {
            for (int owner = 1; owner <= PROCESSES; owner++) {
                children.add(RunningChild.start("churn-" + owner, ChildJvm.command(HeapWorker.class, "churn",
                        file.toString(), "" + owner, "" + THREADS, "42", "" + MILLIS)));
            }
            long verified = 0;
            long ops = 0;
            for (RunningChild child : children) {
                int exit = child.awaitExit(120);
                assertThat(exit).as("%s: %s", child, child.output()).isZero();
                String done = child.awaitLine("done", 1000);
                verified += field(done, "verified");
                ops += field(done, "ops");
            }
            try (MappedHeap heap = MappedHeap.open(file)) {
                CheckReport report = heap.check();
                HeapStats stats = heap.stats();
                System.out.printf("stress: %d processes x %d threads, %d ms: %d operations, %d blocks verified,"
                        + " capacity %d -> %d bytes, %s%n", PROCESSES, THREADS, MILLIS, ops, verified, 1 << 20,
                        stats.capacity(), report);
                assertThat(report.ok()).as(report.toString()).isTrue();
                assertThat(stats.liveBlocks()).as("every child freed what it held").isZero();
                assertThat(stats.capacity()).as("the heap grew several times").isGreaterThanOrEqualTo(4L << 20);
                assertThat(stats.lockTakeovers()).as("nobody died").isZero();
            }
            assertThat(verified).isPositive();
        } finally {
            children.forEach(RunningChild::close);
        }
    }

    static long field(String line, String name) {
        for (String part : line.split(" ")) {
            if (part.startsWith(name + "=")) {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no " + name + " in: " + line);
    }
}
