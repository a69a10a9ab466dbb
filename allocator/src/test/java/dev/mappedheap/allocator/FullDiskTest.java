package dev.mappedheap.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the file system refuses the space to grow (here a file-size limit, {@code ulimit -f}, in a child JVM),
 * growth fails with {@link HeapFullException} carrying the cause, before any new page is mapped or touched:
 * no SIGBUS, nothing half-grown, and the heap keeps serving frees and allocations inside its size.
 */
class FullDiskTest {
    @TempDir Path dir;

    @Test
    void growthPastAFileSizeLimitThrowsHeapFullAndTheHeapKeepsWorking() throws Exception {
        Path file = dir.resolve("limited.heap");
        List<String> java = ChildJvm.command(FillUntilFull.class, file.toString());
        // 4096 blocks of 1 KiB: the file may reach 4 MiB, and the heap grows by 1 MiB at a time
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -f 4096 && exec \"$@\"", "limit"));
        command.addAll(java);
        ChildJvm.Result result = ChildJvm.run(command);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("HeapFullException").contains("cause=java.io.IOException: File too large");
        try (MappedHeap heap = MappedHeap.open(file)) {
            CheckReport report = heap.check();
            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(heap.stats().capacity()).isLessThanOrEqualTo(4L << 20);
        }
    }

    /** Child JVM: grows a heap until growth fails, then shows that the heap still works. */
    static final class FillUntilFull {
        private FillUntilFull() {}

        public static void main(String[] args) {
            HeapOptions options = HeapOptions.defaults().initialSize(1 << 20).growthIncrement(1 << 20);
            try (MappedHeap heap = MappedHeap.create(Path.of(args[0]), options)) {
                List<Long> blocks = new ArrayList<>();
                try {
                    while (blocks.size() < 100_000) {
                        long block = heap.allocate(64 << 10);
                        heap.writeLong(block, block);
                        blocks.add(block);
                    }
                    System.out.println("never filled");
                    System.exit(2);
                } catch (HeapFullException full) {
                    System.out.println("HeapFullException: " + full.getMessage() + " cause=" + full.getCause());
                }
                HeapStats before = heap.stats();
                long small = heap.allocate(100); // still fits inside the current size
                heap.free(blocks.remove(blocks.size() - 1));
                long reused = heap.allocate(32 << 10); // reuses freed space
                for (long block : blocks) {
                    if (heap.readLong(block) != block) {
                        System.out.println("lost block " + block);
                        System.exit(3);
                    }
                }
                heap.free(small);
                heap.free(reused);
                CheckReport report = heap.check();
                System.out.println("after: " + heap.stats() + " before: " + before + " " + report);
                System.exit(report.ok() ? 0 : 4);
            }
        }
    }
}
