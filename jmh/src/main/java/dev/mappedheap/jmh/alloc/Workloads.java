// Benchmark support layer: the allocator workloads W1-W3 of shared/bench/WORKLOADS.md, one method per phase.
package dev.mappedheap.jmh.alloc;

/**
 * The phases of the allocator workloads, operation for operation as {@code shared/bench/WORKLOADS.md} and the
 * native harness {@code peers/bench.cpp} run them: the same splitmix64 draws in the same order, the same sizes,
 * and an 8-byte write of the block's index into every new block. The timed phases are the loops here; the JMH
 * classes ({@link W1FixedSmall}, {@link W2ChurnMixed}, {@link W3RecordsGrow}) time one call each and run the
 * untimed parts (shuffle, verification) around it.
 *
 * <p>Handles live in a {@code long[]} and requested sizes in an {@code int[]}, both owned by the caller and
 * reused from run to run. Every phase returns a value derived from its last handle so the work cannot be
 * discarded. Not thread-safe; no state of its own.
 */
public final class Workloads {
    /** W1: number of blocks. */
    public static final int W1_BLOCKS = 1_000_000;
    /** W1: bytes per block. */
    public static final int W1_BLOCK_SIZE = 64;
    /** W1 check: after the shuffle, position 0 holds the block allocated as this number. */
    public static final long W1_FIRST_AFTER_SHUFFLE = 992_795;

    /** W2: live slots. */
    public static final int W2_SLOTS = 100_000;
    /** W2: steps (one free plus one allocation each). */
    public static final int W2_STEPS = 5_000_000;
    /** W2 check: live requested bytes after the steps. */
    public static final long W2_LIVE_BYTES = 68_382_140L;

    /** W3: records. */
    public static final int W3_RECORDS = 200_000;
    /** W3: grow steps. */
    public static final int W3_STEPS = 1_000_000;
    /** W3: a record never grows past this many bytes. */
    public static final int W3_MAX_RECORD = 4096;
    /** W3 check: live requested bytes after the steps. */
    public static final long W3_LIVE_BYTES = 424_874_254L;

    private Workloads() {}

    // ---- W1 fixed-small ----

    /**
     * W1 first pass and reuse pass: {@code h[i] = allocate(64); write i}, for i in 0..{@link #W1_BLOCKS}.
     *
     * @return the last handle
     */
    public static long w1AllocPass(AllocatorUnderTest a, long[] h) {
        for (int i = 0; i < W1_BLOCKS; i++) {
            long b = a.allocate(W1_BLOCK_SIZE);
            a.writeLong(b, i);
            h[i] = b;
        }
        return h[W1_BLOCKS - 1];
    }

    /** W1 shuffle (untimed): Fisher-Yates, for i = n-1 down to 1, j = next() % (i+1), swap h[i] and h[j]. */
    public static void w1Shuffle(SplitMix64 rng, long[] h) {
        for (int i = W1_BLOCKS - 1; i >= 1; i--) {
            int j = (int) rng.nextBelow(i + 1L);
            long t = h[i];
            h[i] = h[j];
            h[j] = t;
        }
    }

    /**
     * W1 free pass: frees h[0..n) in order (shuffled order, after {@link #w1Shuffle}).
     *
     * @return the last handle freed
     */
    public static long w1FreePass(AllocatorUnderTest a, long[] h) {
        for (int i = 0; i < W1_BLOCKS; i++) {
            a.free(h[i]);
        }
        return h[W1_BLOCKS - 1];
    }

    // ---- W2 churn-mixed ----

    /** W2 request size: {@code s = 16 << (next() % 9); s - next() % (s/2)}, 9..4096 bytes. */
    static int w2Size(SplitMix64 rng) {
        long s = 16L << rng.nextBelow(9);
        return (int) (s - rng.nextBelow(s / 2));
    }

    private static long w2Put(AllocatorUnderTest a, SplitMix64 rng, long[] h, int[] sz, int k) {
        int s = w2Size(rng);
        sz[k] = s;
        long b = a.allocate(s);
        a.writeLong(b, k);
        h[k] = b;
        return b;
    }

    /**
     * W2 fill: {@code sz[k] = size(); h[k] = allocate(sz[k]); write k}, for k in 0..{@link #W2_SLOTS}.
     *
     * @return the last handle
     */
    public static long w2Fill(AllocatorUnderTest a, SplitMix64 rng, long[] h, int[] sz) {
        long last = 0;
        for (int k = 0; k < W2_SLOTS; k++) {
            last = w2Put(a, rng, h, sz, k);
        }
        return last;
    }

    /**
     * W2 steps: {@link #W2_STEPS} times {@code k = next() % L; free(h[k]); sz[k] = size(); h[k] =
     * allocate(sz[k]); write k}.
     *
     * @return the last handle allocated
     */
    public static long w2Steps(AllocatorUnderTest a, SplitMix64 rng, long[] h, int[] sz) {
        return w2Steps(a, rng, h, sz, W2_STEPS);
    }

    /**
     * The first {@code steps} W2 steps, or the next ones when called again with the same {@code rng}: the
     * time-bounded runs ({@code dev.mappedheap.jmh.multi}) step in batches through this same loop.
     *
     * @return the last handle allocated, 0 when {@code steps} is 0
     */
    public static long w2Steps(AllocatorUnderTest a, SplitMix64 rng, long[] h, int[] sz, int steps) {
        long last = 0;
        for (int step = 0; step < steps; step++) {
            int k = (int) rng.nextBelow(W2_SLOTS);
            a.free(h[k]);
            last = w2Put(a, rng, h, sz, k);
        }
        return last;
    }

    // ---- W3 records-grow ----

    /**
     * W3 fill: {@code sz[k] = 100 + next() % 300; h[k] = allocate(sz[k]); write k}, for k in
     * 0..{@link #W3_RECORDS}.
     *
     * @return the last handle
     */
    public static long w3Fill(AllocatorUnderTest a, SplitMix64 rng, long[] h, int[] sz) {
        long last = 0;
        for (int k = 0; k < W3_RECORDS; k++) {
            int s = (int) (100 + rng.nextBelow(300));
            sz[k] = s;
            last = a.allocate(s);
            a.writeLong(last, k);
            h[k] = last;
        }
        return last;
    }

    /** W3 new size: {@code min(old * 3 / 2 + 8, 4096)}, integer division, also when old is already 4096. */
    static int w3Grown(int old) {
        return Math.min(old * 3 / 2 + 8, W3_MAX_RECORD);
    }

    /**
     * W3 steps with the allocator's own grow ({@link AllocatorUnderTest#reallocate}, the native harness's
     * W3n): {@link #W3_STEPS} times {@code k = next() % R; h[k] = reallocate(h[k], grown(sz[k]))}.
     *
     * @return the last handle
     */
    public static long w3StepsReallocate(AllocatorUnderTest a, SplitMix64 rng, long[] h, int[] sz) {
        long last = 0;
        for (int step = 0; step < W3_STEPS; step++) {
            int k = (int) rng.nextBelow(W3_RECORDS);
            int n = w3Grown(sz[k]);
            last = a.reallocate(h[k], n);
            h[k] = last;
            sz[k] = n;
        }
        return last;
    }

    /**
     * W3 steps, plain variant (the native harness's W3): {@code nh = allocate(n); copy old bytes; free(h[k]);
     * h[k] = nh}.
     *
     * @return the last handle
     */
    public static long w3StepsCopy(AllocatorUnderTest a, SplitMix64 rng, long[] h, int[] sz) {
        long last = 0;
        for (int step = 0; step < W3_STEPS; step++) {
            int k = (int) rng.nextBelow(W3_RECORDS);
            int old = sz[k];
            int n = w3Grown(old);
            last = a.allocate(n);
            a.copy(h[k], last, old);
            a.free(h[k]);
            h[k] = last;
            sz[k] = n;
        }
        return last;
    }

    // ---- checks (untimed) ----

    /**
     * Checks that block {@code h[i]} starts with {@code i}, for i in 0..count.
     *
     * @throws IllegalStateException naming the first block that does not
     */
    public static void verifyIndexes(String workload, AllocatorUnderTest a, long[] h, int count) {
        for (int i = 0; i < count; i++) {
            long got = a.readLong(h[i]);
            if (got != i) {
                throw new IllegalStateException(workload + " verify failed: index=" + i + " handle=" + h[i]
                        + " expected=" + i + " actual=" + got);
            }
        }
    }

    /** @return the sum of {@code sz} */
    public static long liveBytes(int[] sz) {
        long sum = 0;
        for (int s : sz) {
            sum += s;
        }
        return sum;
    }

    /**
     * @throws IllegalStateException if {@code actual != expected}
     */
    public static void check(String what, long expected, long actual) {
        if (actual != expected) {
            throw new IllegalStateException(what + " check failed: expected=" + expected + " actual=" + actual);
        }
    }
}
