package dev.mappedheap.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the file system refuses the space to grow (here a file-size limit, {@code ulimit -f}, in a child JVM),
 * growth fails with {@link HeapFullException} carrying the cause, before any new page is mapped or touched:
 * no SIGBUS, nothing half-grown, and the heap keeps serving frees and allocations inside its size. When the
 * limit is lifted, the next growth succeeds.
 *
 * <p>HotSpot ignores {@code SIGXFSZ}, so a write or {@code fallocate} past the limit fails with {@code EFBIG}
 * ("File too large") instead of killing the JVM; the child asserts that it is alive to say so.
 */
class FullDiskTest {
    /** The soft file-size limit in KiB: 3.5 MiB, so the fourth 1 MiB growth step is cut off halfway. */
    private static final long LIMIT_KIB = 3584;

    @TempDir Path dir;

    @Test
    void growthPastAFileSizeLimitThrowsHeapFullAndTheHeapKeepsWorkingAndGrowsOnceTheLimitIsLifted()
            throws Exception {
        Path file = dir.resolve("limited.heap");
        List<String> java = ChildJvm.command(FillUntilFull.class, file.toString());
        // only the soft limit, so the child can lift it later (prlimit on itself) as a disk that gets space back
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -S -f " + LIMIT_KIB + " && exec \"$@\"",
                "limit"));
        command.addAll(java);
        ChildJvm.Result result = ChildJvm.run(command);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output())
                .contains("HeapFullException: heap full: the file system refused the space to grow")
                .contains("cause=java.io.IOException: File too large")
                .contains("capacity=3145728 ")
                .contains("requested=1048576 ")
                .contains("after the limit was lifted: capacity=");
        long liveBlocks = Long.parseLong(lineValue(result.output(), "liveBlocks="));
        try (MappedHeap heap = MappedHeap.open(file)) {
            CheckReport report = heap.check();
            assertThat(report.ok()).as(report.toString()).isTrue();
            HeapStats stats = heap.stats();
            assertThat(stats.capacity()).isGreaterThan(LIMIT_KIB << 10);
            assertThat(stats.capacity()).isEqualTo(Files.size(file));
            assertThat(stats.liveBlocks()).isEqualTo(liveBlocks);
            for (long block : heap.livePayloads()) {
                assertThat(heap.readLong(block)).as("contents of block %d", block).isEqualTo(block);
            }
        }
    }

    @Test
    void reachingMaxSizeNamesTheLimitAndLeavesTheFileAtItsCapacity() throws Exception {
        Path file = dir.resolve("bounded.heap");
        long maxSize = 256 << 10;
        HeapOptions options = HeapOptions.defaults().initialSize(64 << 10).growthIncrement(64 << 10).maxSize(maxSize);
        try (MappedHeap heap = MappedHeap.create(file, options)) {
            List<Long> blocks = new ArrayList<>();
            HeapFullException full = null;
            while (full == null && blocks.size() < 1000) {
                try {
                    blocks.add(heap.allocate(16 << 10));
                } catch (HeapFullException e) {
                    full = e;
                }
            }
            assertThat(full).as("maxSize reached").isNotNull();
            long capacity = heap.stats().capacity();
            assertThat(full.getMessage()).contains("would pass maxSize").contains("capacity=" + capacity)
                    .contains("maxSize=" + maxSize).contains("needed=");
            assertThat(capacity).isLessThanOrEqualTo(maxSize);
            assertThat(Files.size(file)).as("nothing half-grown").isEqualTo(capacity);
            HeapTestSupport.assertConsistent(heap);
            heap.free(blocks.remove(0));
            blocks.add(heap.allocate(16 << 10)); // the freed space serves the same request again
            assertThat(heap.stats().capacity()).isEqualTo(capacity);
            HeapTestSupport.assertConsistent(heap);
        }
    }

    private static String lineValue(String output, String key) {
        for (String line : output.split("\n")) {
            if (line.startsWith(key)) {
                return line.substring(key.length()).trim();
            }
        }
        throw new AssertionError("no line " + key + " in " + output);
    }

    /**
     * Child JVM: grows a heap until growth fails, shows that nothing is half-grown and the heap still works,
     * that growing again fails the same clean way, then lifts its own limit and grows. Exit code 0 when every
     * step held; any other code names the step that did not.
     */
    static final class FillUntilFull {
        private FillUntilFull() {}

        public static void main(String[] args) throws Exception {
            Path file = Path.of(args[0]);
            HeapOptions options = HeapOptions.defaults().initialSize(1 << 20).growthIncrement(1 << 20);
            try (MappedHeap heap = MappedHeap.create(file, options)) {
                List<Long> blocks = new ArrayList<>();
                HeapFullException full = fill(heap, blocks);
                if (full == null) {
                    fail(2, "never filled");
                }
                System.out.println("HeapFullException: " + full.getMessage() + " cause=" + full.getCause());
                requireConsistent(heap, file, "after the first failure");
                long small = heap.allocate(100); // still fits inside the current size
                heap.free(blocks.remove(blocks.size() - 1));
                long reused = heap.allocate(32 << 10); // reuses freed space
                requireIntact(heap, blocks);
                heap.free(small);
                heap.free(reused);
                // growing again while the limit holds fails the same way, and again leaves nothing half-grown
                try {
                    heap.allocate(2 << 20);
                    fail(5, "a 2 MiB allocation succeeded under the limit");
                } catch (HeapFullException again) {
                    requireConsistent(heap, file, "after the second failure");
                }
                long limitedCapacity = heap.stats().capacity();
                liftFileSizeLimit();
                if (fill(heap, blocks) != null) {
                    fail(6, "growth failed after the limit was lifted");
                }
                requireIntact(heap, blocks);
                requireConsistent(heap, file, "after the limit was lifted");
                System.out.println("after the limit was lifted: capacity=" + heap.stats().capacity() + " before="
                        + limitedCapacity);
                System.out.println("liveBlocks=" + heap.stats().liveBlocks());
            }
            System.exit(0);
        }

        /** Allocates 64 KiB blocks until the heap is full or passes 8 MiB; returns the failure, or null. */
        private static HeapFullException fill(MappedHeap heap, List<Long> blocks) {
            try {
                while (heap.stats().capacity() < (8 << 20)) {
                    long block = heap.allocate(64 << 10);
                    heap.writeLong(block, block);
                    blocks.add(block);
                }
                return null;
            } catch (HeapFullException full) {
                return full;
            }
        }

        /** The capacity word, the mapping and the file agree, and the checker finds nothing wrong. */
        private static void requireConsistent(MappedHeap heap, Path file, String when) throws Exception {
            HeapStats stats = heap.stats();
            long fileSize = Files.size(file);
            if (fileSize != stats.capacity()) {
                fail(3, when + ": half-grown: fileSize=" + fileSize + " capacity=" + stats.capacity());
            }
            CheckReport report = heap.check();
            if (!report.ok()) {
                fail(4, when + ": " + report);
            }
        }

        private static void requireIntact(MappedHeap heap, List<Long> blocks) {
            for (long block : blocks) {
                if (heap.readLong(block) != block) {
                    fail(7, "lost block " + block);
                }
            }
        }

        /** Raises this process's soft file-size limit to unlimited, as space coming back on a full disk. */
        private static void liftFileSizeLimit() throws Exception {
            Process prlimit = new ProcessBuilder("prlimit", "--pid", Long.toString(ProcessHandle.current().pid()),
                    "--fsize=unlimited:").inheritIO().start();
            if (!prlimit.waitFor(20, TimeUnit.SECONDS) || prlimit.exitValue() != 0) {
                fail(8, "prlimit could not lift the limit");
            }
        }

        private static void fail(int code, String why) {
            System.out.println("FAILED: " + why);
            System.exit(code);
        }
    }
}
