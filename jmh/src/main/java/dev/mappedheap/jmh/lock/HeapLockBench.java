// Benchmark layer: what taking and releasing the heap's locks costs when nobody else wants them.
package dev.mappedheap.jmh.lock;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.allocator.internal.BenchmarkSwitch;
import dev.mappedheap.jmh.ForkedWithHeapFlags;
import dev.mappedheap.jmh.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The uncontended cost of the heap's locks, one thread, one heap:
 *
 * <ul>
 *   <li>{@link #setRootUnchanged}: {@link MappedHeap#setRoot} with the root it already has, the cheapest
 *       locked operation: the instance's {@link ReentrantLock}, then the heap lock word in the file (a
 *       compare-and-swap), the capacity check for another process's growth and the journal check for a dead
 *       holder's operation (one read each), the journal's begin and commit around a store that changes
 *       nothing, and the release (another compare-and-swap). ({@code usableSize}, measured here until
 *       2026-12-04, takes no lock any more.)
 *   <li>{@link #reentrantLock}: a bare {@link ReentrantLock} lock/unlock around returning a field: the floor.
 * </ul>
 *
 * <p>Run it twice, the second time with {@code -jvmArgsPrepend -Dmappedheap.benchmark.unguarded=true}
 * ({@link BenchmarkSwitch}: no heap lock word, no journal check; the ReentrantLock stays): the difference in
 * {@code setRootUnchanged} is what the cross-process lock adds to every allocator call. The trial prints the switch's
 * state in a line starting {@code # GUARD}; {@code jmh/run-lock-overhead-bench.sh} runs both, interleaved.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HeapLockBench extends ForkedWithHeapFlags {
    private Path dir;
    private MappedHeap heap;
    private long block;
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * Creates a small heap with one 64-byte block.
     *
     * @throws IOException if the temporary directory cannot be made
     */
    @Setup
    public void setUp() throws IOException {
        System.out.println(System.lineSeparator() + "# GUARD unguarded=" + BenchmarkSwitch.UNGUARDED);
        dir = Files.createTempDirectory("heap-lock-bench-");
        heap = MappedHeap.create(dir.resolve("heap.mh"), HeapOptions.defaults().initialSize(1 << 20));
        block = heap.allocate(64);
        heap.setRoot(block);
    }

    /**
     * Checks the block is still there, closes the heap and deletes its files.
     *
     * @throws IOException if a file cannot be deleted
     */
    @TearDown
    public void tearDown() throws IOException {
        try {
            if (heap.usableSize(block) < 64) {
                throw new IllegalStateException("block shrank: offset=" + block + " usable=" + heap.usableSize(block));
            }
            heap.close();
        } finally {
            TempDirs.deleteTree(dir);
        }
    }

    /** Stores the root it already has; takes both of the heap's locks. @return the root */
    @Benchmark
    public long setRootUnchanged() {
        heap.setRoot(block);
        return block;
    }

    /** @return the block's offset, read under a bare ReentrantLock: the uncontended lock/unlock floor */
    @Benchmark
    public long reentrantLock() {
        lock.lock();
        try {
            return block;
        } finally {
            lock.unlock();
        }
    }
}
