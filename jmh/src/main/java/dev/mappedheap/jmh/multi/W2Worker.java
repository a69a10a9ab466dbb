// Benchmark layer: one W2 worker of a shared-heap run, a thread that owns its own 100,000 slots.
package dev.mappedheap.jmh.multi;

import dev.mappedheap.jmh.alloc.AllocatorUnderTest;
import dev.mappedheap.jmh.alloc.SplitMix64;
import dev.mappedheap.jmh.alloc.Workloads;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One worker of {@link SharedHeapW2}: fills its own live set of {@link Workloads#W2_SLOTS} blocks, waits for the
 * start signal, then runs W2 steps ({@link Workloads#w2Steps(AllocatorUnderTest, SplitMix64, long[], int[], int)},
 * the loop the JMH benchmark {@code MappedHeapBench.W2.w2Step} times) until told to stop. Several workers, in one
 * JVM or in several, share one heap; each has its own slots, sizes and PRNG, so they never touch each other's
 * blocks.
 *
 * <p>Progress is published every {@link #BATCH} steps as a plain count in a shared {@link AtomicLongArray}
 * (one cache line per worker, see {@link #STRIDE}): the child's main thread samples the counts at the start and
 * end of the measured window, so the measured loop pays nothing but a lazy store per batch.
 *
 * <p>Runs on its own thread ({@link #run}); {@link #stop()} and {@link #failure()} may be called from any thread.
 */
final class W2Worker implements Runnable {
    /** Steps between progress stores and stop checks: small against a 10 s window, large against their cost. */
    static final int BATCH = 256;
    /** Slots of the progress array per worker: 16 longs = 128 bytes, so no two workers share a cache line. */
    static final int STRIDE = 16;

    private final AllocatorUnderTest allocator;
    private final SplitMix64 rng;
    private final long[] h = new long[Workloads.W2_SLOTS];
    private final int[] sz = new int[Workloads.W2_SLOTS];
    private final AtomicLongArray progress;
    private final int progressIndex;
    private final CountDownLatch filled;
    private final CountDownLatch go;
    private volatile boolean stopped;
    private volatile Throwable failure;
    /** Derived from every handle allocated, read after the thread ends, so no step can be optimised away. */
    private long sink;

    /**
     * @param allocator this worker's view of the shared heap
     * @param seed the PRNG seed: {@link SplitMix64#SEED} for the first worker, so it replays the spec's W2
     * @param progress where the step count goes, at {@code index * STRIDE}
     * @param index this worker's index within its JVM
     * @param filled counted down once the live set is in place (or the fill failed)
     * @param go the start signal for the steps
     */
    W2Worker(AllocatorUnderTest allocator, long seed, AtomicLongArray progress, int index, CountDownLatch filled,
            CountDownLatch go) {
        this.allocator = allocator;
        this.rng = new SplitMix64(seed);
        this.progress = progress;
        this.progressIndex = index * STRIDE;
        this.filled = filled;
        this.go = go;
    }

    @Override
    public void run() {
        boolean signalled = false;
        try {
            sink = Workloads.w2Fill(allocator, rng, h, sz);
            Workloads.verifyIndexes("W2 fill", allocator, h, Workloads.W2_SLOTS);
            signalled = true;
            filled.countDown();
            go.await();
            long done = 0;
            long last = sink;
            while (!stopped) {
                last ^= Workloads.w2Steps(allocator, rng, h, sz, BATCH);
                done += BATCH;
                progress.lazySet(progressIndex, done);
            }
            sink = last;
        } catch (Throwable t) {
            failure = t;
            if (!signalled) {
                // once only: a second count-down would stand in for another worker's fill
                filled.countDown();
            }
        }
    }

    /** Ends the step loop after the current batch. */
    void stop() {
        stopped = true;
    }

    /** @return what the worker threw, or {@code null} */
    Throwable failure() {
        return failure;
    }

    /** @return the handles of the live set, slot by slot; read only after the worker's thread has ended */
    long[] handles() {
        return h;
    }

    /** @return the sum of the requested sizes of the live set; read only after the worker's thread has ended */
    long liveBytes() {
        return Workloads.liveBytes(sz);
    }

    /** @return a value derived from every handle allocated; read only after the worker's thread has ended */
    long sink() {
        return sink;
    }
}
