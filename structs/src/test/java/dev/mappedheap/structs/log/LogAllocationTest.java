package dev.mappedheap.structs.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hot path allocates no Java object: append, read and ack of 50,000 entries in one segment, after a warm-up,
 * cost this thread nothing beyond the slack of reading the counter ({@code com.sun.management.ThreadMXBean}).
 * A segment switch (a heap allocation, a free and a reclaim, once per segment) may allocate a little.
 */
class LogAllocationTest {
    @TempDir Path dir;

    /** @return bytes this thread allocated in the last of three rounds of {@code entries} append/read/ack */
    private static long allocatedByRounds(HeapLog log, int entries) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);
        LogListener listener = log.register("a");
        byte[] entry = new byte[64];
        byte[] buffer = new byte[64];
        long sum = 0;
        long bytes = 0;
        for (int round = 0; round < 3; round++) { // the last round is measured, after the JIT has settled
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < entries; i++) {
                entry[0] = (byte) (i | 1);
                log.append(entry);
                sum += listener.read(buffer) + buffer[0];
                listener.ack();
            }
            bytes = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertThat(sum).isNotZero();
        return bytes;
    }

    @Test
    void appendReadAndAckAllocateNothing() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("log.heap"), HeapOptions.defaults().initialSize(64 << 20))) {
            HeapLog log = HeapLog.create(heap, 16 << 20, 2); // 3 x 50,000 x 72 bytes: no segment switch
            assertThat(allocatedByRounds(log, 50_000)).as("bytes allocated for 50,000 entries").isLessThan(1024);
            assertThat(log.check().orThrow().segments()).isEqualTo(1);
        }
    }

    @Test
    void segmentSwitchesAllocateLittle() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("log.heap"), HeapOptions.defaults().initialSize(8 << 20))) {
            HeapLog log = HeapLog.create(heap, 64 * 1024, 2);
            long switches = 200_000L * 72 / (64 * 1024);
            assertThat(allocatedByRounds(log, 200_000)).as("bytes allocated over ~%d segment switches", switches)
                    .isLessThan(1024 + 256 * switches);
        }
    }
}
