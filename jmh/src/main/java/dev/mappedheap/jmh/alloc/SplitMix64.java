// Benchmark support layer: the workloads' pseudo-random sequence, shared with the native peers.
package dev.mappedheap.jmh.alloc;

/**
 * splitmix64, exactly as {@code shared/bench/WORKLOADS.md} and the native harness ({@code peers/bench.cpp})
 * define it, so every implementation replays the same operations. Outputs are unsigned 64-bit values held in a
 * {@code long}; {@link #nextBelow} is the spec's {@code next() % n} (an unsigned remainder).
 *
 * <p>Not thread-safe: one instance per workload run, created with {@link #SEED} at the start of the run.
 */
public final class SplitMix64 {
    /** The seed every workload starts from. */
    public static final long SEED = 42;

    /** The first three outputs for {@link #SEED}, as unsigned decimals (from WORKLOADS.md). */
    static final String[] FIRST_OUTPUTS = {"13679457532755275413", "2949826092126892291", "5139283748462763858"};

    private long state;

    /** @param seed the initial state; the workloads use {@link #SEED} */
    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** @return the next output, an unsigned 64-bit value */
    public long next() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * @param n the bound, positive
     * @return {@code next() % n} with both sides unsigned, in {@code [0, n)}
     */
    public long nextBelow(long n) {
        return Long.remainderUnsigned(next(), n);
    }

    /**
     * Checks that a generator seeded with {@link #SEED} produces the spec's first three outputs.
     *
     * @throws IllegalStateException if it does not
     */
    public static void checkAgainstSpec() {
        SplitMix64 rng = new SplitMix64(SEED);
        for (int i = 0; i < FIRST_OUTPUTS.length; i++) {
            String got = Long.toUnsignedString(rng.next());
            if (!got.equals(FIRST_OUTPUTS[i])) {
                throw new IllegalStateException(
                        "splitmix64 output index=" + i + " expected=" + FIRST_OUTPUTS[i] + " actual=" + got);
            }
        }
    }
}
