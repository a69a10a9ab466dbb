// Benchmark layer: what flushing to the device costs an allocator operation.
package dev.mappedheap.jmh.durability;

import dev.mappedheap.allocator.Durability;
import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.jmh.ForkedWithHeapFlags;
import dev.mappedheap.jmh.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One allocate of 64 bytes, an 8-byte write into the block, and its free: two allocator operations, on a heap
 * file in {@code java.io.tmpdir} (a real file system, so the flushes reach the device), in three modes of one
 * run, so their ratio is what durability costs:
 *
 * <ul>
 *   <li>{@code EXPLICIT_SYNC}: the default handle, no flush at all (the page cache only; process-crash safe).
 *   <li>{@code SYNC_EACH_OPERATION}: {@link Durability#SYNC_EACH_OPERATION}: each journal entry, the whole
 *       mapping before the commit, and the commit word are flushed, in each of the two operations.
 *   <li>{@code SYNC_CALL}: the default handle with {@link MappedHeap#sync()} after the pair: what a program
 *       pays that flushes once per unit of work by hand (durable at that point, but not operation by
 *       operation in between).
 * </ul>
 *
 * <p>The score is ns per allocate+free pair.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class DurabilityBench extends ForkedWithHeapFlags {
    /** Which durability the pair runs with; see the class comment. */
    @Param({"EXPLICIT_SYNC", "SYNC_EACH_OPERATION", "SYNC_CALL"})
    public String mode;

    private Path dir;
    private MappedHeap heap;
    private boolean syncCall;
    private long pairs;

    /**
     * Creates a 4 MiB heap in the chosen mode, with a few blocks so the pair is not alone in it.
     *
     * @throws IOException if the temporary directory cannot be made
     */
    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("durability-bench-");
        Durability durability = "SYNC_EACH_OPERATION".equals(mode) ? Durability.SYNC_EACH_OPERATION
                : Durability.EXPLICIT_SYNC;
        syncCall = "SYNC_CALL".equals(mode);
        heap = MappedHeap.create(dir.resolve("heap.mh"), HeapOptions.defaults().initialSize(4 << 20)
                .durability(durability));
        for (int i = 0; i < 16; i++) {
            heap.allocate(64 + 16 * i);
        }
        heap.sync();
    }

    /**
     * Checks the heap, closes it and deletes its files.
     *
     * @throws IOException if a file cannot be deleted
     */
    @TearDown
    public void tearDown() throws IOException {
        try {
            if (!heap.check().ok()) {
                throw new IllegalStateException("heap inconsistent after " + pairs + " pairs: " + heap.check());
            }
            heap.close();
        } finally {
            TempDirs.deleteTree(dir);
        }
    }

    /** @return the block's offset: allocate 64 B, write 8 B, free, and in SYNC_CALL mode sync() */
    @Benchmark
    @OperationsPerInvocation(1)
    public long allocateFree() {
        long block = heap.allocate(64);
        heap.writeLong(block, ++pairs);
        heap.free(block);
        if (syncCall) {
            heap.sync();
        }
        return block;
    }
}
