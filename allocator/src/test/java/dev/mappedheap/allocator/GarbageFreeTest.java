package dev.mappedheap.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Allocator operations allocate nothing on the Java heap once compiled: a storage library on a hot path
 * must not feed the garbage collector. Measured with the JVM's per-thread allocation counter.
 */
class GarbageFreeTest {
    private static final int WARM_UP = 300_000;
    private static final int MEASURED = 100_000;

    @TempDir Path dir;

    @Test
    void allocateFreeAndReallocateAllocateNoJavaObjects() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults())) {
            long[] blocks = new long[64];
            churn(heap, blocks, WARM_UP);
            long thread = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(thread);
            churn(heap, blocks, MEASURED);
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            System.out.printf("java heap bytes allocated by %d allocator operations: %d%n", 3 * MEASURED, allocated);
            assertThat((double) allocated / (3 * MEASURED)).as("bytes per operation").isLessThan(0.1);
        }
    }

    private static void churn(MappedHeap heap, long[] blocks, int rounds) {
        for (int i = 0; i < rounds; i++) {
            int slot = i & 63;
            if (blocks[slot] != 0) {
                blocks[slot] = heap.reallocate(blocks[slot], 16 + (i * 7 & 255));
                heap.free(blocks[slot]);
            }
            blocks[slot] = heap.allocate(16 + (i & 511));
        }
    }
}
