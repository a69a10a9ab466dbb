package dev.mappedheap.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Small helpers shared by the allocator tests: sizes, byte patterns and the checks every test ends with. */
final class HeapTestSupport {
    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;
    static final long GIB = 1024 * MIB;
    /** Per-block overhead promised by the contract: one 16-byte header. */
    static final int BLOCK_HEADER = 16;

    private HeapTestSupport() {}

    /** The check every test ends with: {@link MappedHeap#check()} reports no problem. */
    static void assertConsistent(MappedHeap heap) {
        CheckReport report = heap.check();
        assertThat(report.ok()).as(report.toString()).isTrue();
    }

    /** capacity == metadataBytes + usedBytes + freeBytes, and the parts are sane. */
    static void assertStatsAddUp(HeapStats s) {
        assertThat(s.metadataBytes() + s.usedBytes() + s.freeBytes())
                .as("capacity must equal metadata+used+free: %s", s)
                .isEqualTo(s.capacity());
        assertThat(s.topBytes()).as("top is part of the free bytes: %s", s).isBetween(0L, s.freeBytes());
        assertThat(s.largestFreeBlock()).as("largest free block fits in the free bytes: %s", s)
                .isBetween(0L, s.freeBytes());
        assertThat(s.liveBlocks()).as("live blocks: %s", s).isNotNegative();
        assertThat(s.freeBlocks()).as("free blocks: %s", s).isNotNegative();
    }

    static long roundUp16(long n) {
        return (n + 15) & ~15L;
    }

    /** The largest whole block (usable + header) the contract allows for a fresh request of {@code n} bytes. */
    static long maxBlockFor(long n) {
        return roundUp16(Math.max(n, 16)) + BLOCK_HEADER;
    }

    /** Deterministic pseudo-random bytes, so large contents can be regenerated instead of kept. */
    static byte[] pattern(long seed, int length) {
        byte[] bytes = new byte[length];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] read(MappedHeap heap, long off, int length) {
        byte[] bytes = new byte[length];
        heap.read(off, bytes, 0, length);
        return bytes;
    }

    static void write(MappedHeap heap, long off, byte[] bytes) {
        heap.write(off, bytes, 0, bytes.length);
    }

    /** Fails with the first differing index instead of dumping whole arrays. */
    static void assertContents(MappedHeap heap, long off, byte[] expected, String what) {
        byte[] actual = read(heap, off, expected.length);
        int at = Arrays.mismatch(expected, actual);
        if (at >= 0) {
            fail("%s: contents of block off=%d differ at index %d (absolute offset %d): expected %d actual %d"
                    + " (block length checked %d)", what, off, at, off + at, expected[at], actual[at],
                    expected.length);
        }
    }
}
