// Inspector layer: the sizes of free blocks, by power of two.
package dev.mappedheap.inspector;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts free blocks by size in power-of-two buckets: bucket {@code k} holds sizes in {@code [2^k, 2^(k+1))}.
 * Blocks are at least 32 bytes, so the first bucket that can hold anything is {@code [32, 64)}.
 */
final class FreeSizeHistogram {
    private final long[] blocks = new long[64];
    private final long[] bytes = new long[64];
    private long largest;

    /** One bucket: sizes {@code [from, to)}. */
    record Bucket(long from, long to, long blocks, long bytes) {}

    void add(long size) {
        int k = 63 - Long.numberOfLeadingZeros(size);
        blocks[k]++;
        bytes[k] += size;
        largest = Math.max(largest, size);
    }

    /** @return the size of the largest block added, 0 when none */
    long largest() {
        return largest;
    }

    /** @return every bucket from the smallest non-empty one to the largest, empty ones between included */
    List<Bucket> buckets() {
        List<Bucket> list = new ArrayList<>();
        int first = -1;
        int last = -1;
        for (int k = 0; k < 64; k++) {
            if (blocks[k] != 0) {
                first = first < 0 ? k : first;
                last = k;
            }
        }
        for (int k = first; k >= 0 && k <= last; k++) {
            list.add(new Bucket(1L << k, k == 62 ? Long.MAX_VALUE : 1L << (k + 1), blocks[k], bytes[k]));
        }
        return list;
    }
}
