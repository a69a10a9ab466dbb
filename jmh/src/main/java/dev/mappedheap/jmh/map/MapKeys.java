// Benchmark support layer: the keys of OrderedMapBench and the order they are probed in.
package dev.mappedheap.jmh.map;

import dev.mappedheap.jmh.alloc.SplitMix64;
import java.util.HashSet;
import java.util.Set;

/**
 * {@link #COUNT} distinct random long keys (splitmix64 from seed 42, so every implementation and every run has
 * the same keys) and a random probe order over them, precomputed so the benchmarks pay one array read per key.
 */
final class MapKeys {
    static final int COUNT = 1_000_000;
    /** Probes cycle through a random sequence of this many key indexes (a power of two). */
    private static final int PROBES = 1 << 22;

    final long[] keys = new long[COUNT];
    private final int[] probes = new int[PROBES];
    private int next;

    MapKeys() {
        SplitMix64 random = new SplitMix64(SplitMix64.SEED);
        Set<Long> seen = new HashSet<>(2 * COUNT);
        for (int i = 0; i < COUNT; ) {
            long key = random.next();
            if (seen.add(key)) {
                keys[i++] = key;
            }
        }
        for (int i = 0; i < PROBES; i++) {
            probes[i] = (int) random.nextBelow(COUNT);
        }
    }

    /** @return the next existing key to probe */
    long nextKey() {
        return keys[probes[next++ & (PROBES - 1)]];
    }
}
