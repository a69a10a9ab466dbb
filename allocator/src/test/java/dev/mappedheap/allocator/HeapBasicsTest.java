package dev.mappedheap.allocator;

import static dev.mappedheap.allocator.HeapTestSupport.BLOCK_HEADER;
import static dev.mappedheap.allocator.HeapTestSupport.KIB;
import static dev.mappedheap.allocator.HeapTestSupport.MIB;
import static dev.mappedheap.allocator.HeapTestSupport.assertConsistent;
import static dev.mappedheap.allocator.HeapTestSupport.assertContents;
import static dev.mappedheap.allocator.HeapTestSupport.assertStatsAddUp;
import static dev.mappedheap.allocator.HeapTestSupport.maxBlockFor;
import static dev.mappedheap.allocator.HeapTestSupport.pattern;
import static dev.mappedheap.allocator.HeapTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the everyday contract of {@link MappedHeap}: allocation results are aligned, non-zero and big enough
 * with at most one 16-byte header of overhead; freed space is reused; neighbouring free blocks coalesce;
 * reallocation stays in place when the next block is free or is the top and otherwise moves with the
 * contents; the root survives close and reopen; the typed raw accessors round-trip; and {@link HeapStats}
 * adds up after every kind of change.
 */
class HeapBasicsTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("heap.bin");
    }

    private MappedHeap create(HeapOptions options) {
        return MappedHeap.create(file(), options);
    }

    @Test
    void allocateReturnsAlignedNonZeroDisjointOffsetsWithAtMostOneHeaderOfOverhead() throws Exception {
        try (MappedHeap heap = create(HeapOptions.defaults())) {
            List<Long> requests = new ArrayList<>(List.of(0L, 1L, 2L, 15L, 16L, 17L, 31L, 32L, 33L, 47L, 48L, 100L,
                    255L, 256L, 1000L, 1023L, 1024L, 1025L, 4095L, 4096L, 4097L, 65_536L, 100_001L));
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 300; i++) {
                requests.add(1L + random.nextInt(2000));
            }
            TreeMap<Long, Long> usableByOffset = new TreeMap<>();
            for (long request : requests) {
                long off = heap.allocate(request);
                long usable = heap.usableSize(off);
                assertThat(off).as("offset for request=%d", request).isNotZero().isPositive();
                assertThat(off % 16).as("alignment of off=%d for request=%d", off, request).isZero();
                assertThat(usable).as("usable size of off=%d for request=%d", off, request)
                        .isGreaterThanOrEqualTo(request);
                // a fresh heap carves every block from the top, so the block is exactly the rounded request
                assertThat(usable + BLOCK_HEADER).as("block size for request=%d", request)
                        .isLessThanOrEqualTo(maxBlockFor(request));
                assertThat(usableByOffset.put(off, usable)).as("offset %d handed out twice", off).isNull();
            }
            long previousEnd = Long.MIN_VALUE;
            for (var e : usableByOffset.entrySet()) {
                assertThat(e.getKey() - BLOCK_HEADER).as("block at off=%d overlaps the previous block", e.getKey())
                        .isGreaterThanOrEqualTo(previousEnd);
                previousEnd = e.getKey() + e.getValue();
            }
            HeapStats stats = heap.stats();
            assertStatsAddUp(stats);
            assertThat(stats.liveBlocks()).isEqualTo(requests.size());
            assertThat(stats.usedBytes()).isEqualTo(
                    usableByOffset.values().stream().mapToLong(u -> u + BLOCK_HEADER).sum());
            assertConsistent(heap);
        }
    }

    @Test
    void freedBlockIsReusedByTheNextAllocationOfTheSameSize() throws Exception {
        try (MappedHeap heap = create(HeapOptions.defaults())) {
            for (long size : new long[] {16, 24, 200, 1000, 1024, 5000, 70_000}) {
                long victim = heap.allocate(size);
                long guard = heap.allocate(32); // keeps the victim from merging into the top
                heap.writeLong(guard, size);
                HeapStats beforeFree = heap.stats();
                heap.free(victim);
                long again = heap.allocate(size);
                assertThat(again).as("allocate(%d) after freeing a block of that size", size).isEqualTo(victim);
                assertThat(heap.stats()).as("stats after free+allocate of size %d", size).isEqualTo(beforeFree);
                assertThat(heap.readLong(guard)).isEqualTo(size);
            }
            assertConsistent(heap);
        }
    }

    @Test
    void tenThousandAllocFreeCyclesNeverGrowTheFile() throws Exception {
        try (MappedHeap heap = create(HeapOptions.defaults().initialSize(256 * KIB).growthIncrement(64 * KIB))) {
            long keep = heap.allocate(100);
            byte[] keepBytes = pattern(1, 100);
            write(heap, keep, keepBytes);
            long capacity = heap.stats().capacity();
            SplittableRandom random = new SplittableRandom(11);
            Deque<Long> window = new ArrayDeque<>();
            for (int cycle = 0; cycle < 10_000; cycle++) {
                long off = heap.allocate(1 + random.nextInt(1000));
                heap.writeLong(off, cycle);
                window.addLast(off);
                if (window.size() > 6) { // frees land between live blocks, not only next to the top
                    long oldest = window.removeFirst();
                    heap.free(oldest);
                }
                assertThat(heap.stats().capacity()).as("capacity after cycle %d", cycle).isEqualTo(capacity);
            }
            while (!window.isEmpty()) {
                heap.free(window.removeFirst());
            }
            HeapStats stats = heap.stats();
            assertStatsAddUp(stats);
            assertThat(stats.liveBlocks()).isEqualTo(1);
            assertThat(stats.freeBlocks()).as("everything freed next to the top merges back into it").isZero();
            assertContents(heap, keep, keepBytes, "kept block");
            assertConsistent(heap);
        }
    }

    @Test
    void freeingThreeAdjacentBlocksCoalescesThemIntoOneThatServesTheCombinedSize() throws Exception {
        // the file cannot grow, so the combined request can only be served by the coalesced block
        try (MappedHeap heap = create(
                HeapOptions.defaults().initialSize(64 * KIB).growthIncrement(64 * KIB).maxSize(64 * KIB))) {
            long a = heap.allocate(1024);
            long b = heap.allocate(1024);
            long c = heap.allocate(1024);
            assertThat(b).as("B follows A").isEqualTo(a + heap.usableSize(a) + BLOCK_HEADER);
            assertThat(c).as("C follows B").isEqualTo(b + heap.usableSize(b) + BLOCK_HEADER);
            long combined = 3 * (1024 + BLOCK_HEADER) - BLOCK_HEADER;
            List<Long> fillers = fillUntilFull(heap, 256);
            assertThat(heap.stats().largestFreeBlock()).as("the top is exhausted").isLessThan(combined);
            long capacity = heap.stats().capacity();

            heap.free(a);
            heap.free(c);
            HeapStats twoHoles = heap.stats();
            assertThat(twoHoles.freeBlocks()).isEqualTo(2);
            assertThat(twoHoles.largestFreeBlock()).isLessThan(combined);
            heap.free(b);
            HeapStats merged = heap.stats();
            assertStatsAddUp(merged);
            assertThat(merged.freeBlocks()).as("A, B and C merged into one free block").isEqualTo(1);
            assertThat(merged.largestFreeBlock()).isGreaterThanOrEqualTo(combined);

            long big = heap.allocate(combined);
            assertThat(big).isEqualTo(a);
            assertThat(heap.usableSize(big)).isGreaterThanOrEqualTo(combined);
            assertThat(heap.stats().capacity()).isEqualTo(capacity);
            assertThat(heap.stats().freeBlocks()).isZero();
            for (long filler : fillers) {
                assertThat(heap.readLong(filler)).isEqualTo(filler);
            }
            assertConsistent(heap);
        }
    }

    /** Allocates blocks of {@code size}, each holding its own offset, until the heap is full. */
    private static List<Long> fillUntilFull(MappedHeap heap, long size) {
        List<Long> fillers = new ArrayList<>();
        while (true) {
            long off;
            try {
                off = heap.allocate(size);
            } catch (HeapFullException full) {
                return fillers;
            }
            heap.writeLong(off, off);
            fillers.add(off);
        }
    }

    @Test
    void reallocateShrinksInPlaceAndKeepsThePrefix() throws Exception {
        try (MappedHeap heap = create(HeapOptions.defaults())) {
            long a = heap.allocate(2000);
            long guard = heap.allocate(64);
            byte[] bytes = pattern(3, (int) heap.usableSize(a));
            write(heap, a, bytes);
            long shrunk = heap.reallocate(a, 100);
            assertThat(shrunk).isEqualTo(a);
            assertThat(heap.usableSize(shrunk)).isGreaterThanOrEqualTo(100);
            assertThat(heap.usableSize(shrunk) + BLOCK_HEADER).as("the big remainder was split off")
                    .isLessThanOrEqualTo(maxBlockFor(100));
            assertContents(heap, shrunk, Arrays.copyOf(bytes, 100), "shrunk block");
            assertThat(heap.stats().freeBlocks()).as("the cut-off tail became a free block").isEqualTo(1);
            heap.free(guard);
            assertStatsAddUp(heap.stats());
            assertConsistent(heap);
        }
    }

    @Test
    void reallocateGrowsInPlaceIntoAFreeSuccessor() throws Exception {
        try (MappedHeap heap = create(HeapOptions.defaults())) {
            long a = heap.allocate(200);
            long b = heap.allocate(3000);
            long guard = heap.allocate(64);
            heap.writeLong(guard, 42);
            byte[] bytes = pattern(4, (int) heap.usableSize(a));
            write(heap, a, bytes);
            heap.free(b);
            long grown = heap.reallocate(a, 1000);
            assertThat(grown).as("grows into the free block after it").isEqualTo(a);
            assertThat(heap.usableSize(grown)).isGreaterThanOrEqualTo(1000);
            assertContents(heap, grown, bytes, "grown block");
            assertThat(heap.stats().liveBlocks()).isEqualTo(2);
            assertThat(heap.stats().freeBlocks()).as("the rest of B is still free").isEqualTo(1);

            long upToGuard = guard - BLOCK_HEADER - grown; // every byte between A's payload and the guard
            long whole = heap.reallocate(grown, upToGuard);
            assertThat(whole).as("absorbs the whole rest of B").isEqualTo(a);
            assertThat(heap.stats().freeBlocks()).isZero();
            assertContents(heap, whole, bytes, "block grown over all of B");
            assertThat(heap.readLong(guard)).isEqualTo(42);
            assertStatsAddUp(heap.stats());
            assertConsistent(heap);
        }
    }

    @Test
    void reallocateGrowsInPlaceIntoTheTop() throws Exception {
        try (MappedHeap heap = create(HeapOptions.defaults())) {
            long first = heap.allocate(64);
            long last = heap.allocate(100);
            byte[] bytes = pattern(5, (int) heap.usableSize(last));
            write(heap, last, bytes);
            long grown = heap.reallocate(last, 100_000);
            assertThat(grown).as("the last block grows into the top").isEqualTo(last);
            assertThat(heap.usableSize(grown)).isGreaterThanOrEqualTo(100_000);
            assertContents(heap, grown, bytes, "block grown into the top");
            // growing past the file's end grows the file and still keeps the block where it is
            long capacity = heap.stats().capacity();
            long huge = heap.reallocate(grown, capacity);
            assertThat(huge).isEqualTo(last);
            assertThat(heap.usableSize(huge)).isGreaterThanOrEqualTo(capacity);
            assertContents(heap, huge, bytes, "block grown past the old capacity");
            assertThat(heap.stats().capacity()).isGreaterThan(capacity);
            assertThat(heap.usableSize(first)).isGreaterThanOrEqualTo(64);
            assertStatsAddUp(heap.stats());
            assertConsistent(heap);
        }
    }

    @Test
    void reallocateMovesWhenTheSuccessorIsLiveAndKeepsTheContents() throws Exception {
        try (MappedHeap heap = create(HeapOptions.defaults())) {
            long a = heap.allocate(300);
            long b = heap.allocate(300);
            byte[] aBytes = pattern(6, (int) heap.usableSize(a));
            byte[] bBytes = pattern(7, (int) heap.usableSize(b));
            write(heap, a, aBytes);
            write(heap, b, bBytes);
            HeapStats before = heap.stats();
            long moved = heap.reallocate(a, 5000);
            assertThat(moved).as("B blocks growth in place").isNotEqualTo(a);
            assertThat(moved % 16).isZero();
            assertThat(heap.usableSize(moved)).isGreaterThanOrEqualTo(5000);
            assertContents(heap, moved, aBytes, "moved block");
            assertContents(heap, b, bBytes, "neighbour B");
            assertThatThrownBy(() -> heap.usableSize(a)).as("the old offset is no longer live")
                    .isInstanceOf(InvalidOffsetException.class);
            HeapStats after = heap.stats();
            assertThat(after.liveBlocks()).isEqualTo(before.liveBlocks());
            assertThat(after.usedBytes()).isEqualTo(
                    heap.usableSize(moved) + heap.usableSize(b) + 2 * BLOCK_HEADER);
            assertStatsAddUp(after);
            assertConsistent(heap);
        }
    }

    @Test
    void rootIsZeroOnANewHeapAndPersistsAcrossCloseAndReopen() throws Exception {
        long toc;
        try (MappedHeap heap = create(HeapOptions.defaults())) {
            assertThat(heap.root()).isZero();
            toc = heap.allocate(64);
            heap.writeLong(toc, 0xC0FFEEL);
            heap.setRoot(toc);
            assertThat(heap.root()).isEqualTo(toc);
        }
        try (MappedHeap heap = MappedHeap.open(file())) {
            assertThat(heap.root()).isEqualTo(toc);
            assertThat(heap.readLong(heap.root())).isEqualTo(0xC0FFEEL);
            heap.setRoot(0);
            assertThat(heap.root()).isZero();
        }
        try (MappedHeap heap = MappedHeap.openOrCreate(file(), HeapOptions.defaults())) {
            assertThat(heap.root()).as("openOrCreate opens the existing heap").isZero();
            assertThat(heap.readLong(toc)).isEqualTo(0xC0FFEEL);
            heap.setRoot(toc);
        }
        try (MappedHeap heap = MappedHeap.open(file())) {
            assertThat(heap.root()).isEqualTo(toc);
            assertThat(heap.stats().liveBlocks()).isEqualTo(1);
            assertConsistent(heap);
        }
    }

    @Test
    void openOrCreateCreatesAMissingFile() throws Exception {
        assertThat(file()).doesNotExist();
        try (MappedHeap heap = MappedHeap.openOrCreate(file(), HeapOptions.defaults().initialSize(128 * KIB))) {
            assertThat(file()).exists();
            assertThat(heap.stats().capacity()).isEqualTo(128 * KIB);
            assertThat(heap.root()).isZero();
            assertConsistent(heap);
        }
    }

    @Test
    void typedAccessorsRoundTripAndSurviveReopen() throws Exception {
        long off;
        byte[] src = pattern(8, 64);
        try (MappedHeap heap = create(HeapOptions.defaults())) {
            off = heap.allocate(128);
            for (long v : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x0123456789ABCDEFL}) {
                heap.writeLong(off, v);
                assertThat(heap.readLong(off)).isEqualTo(v);
            }
            for (int v : new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x89ABCDEF}) {
                heap.writeInt(off + 8, v);
                assertThat(heap.readInt(off + 8)).isEqualTo(v);
            }
            for (byte v : new byte[] {0, 1, -1, Byte.MIN_VALUE, Byte.MAX_VALUE}) {
                heap.writeByte(off + 12, v);
                assertThat(heap.readByte(off + 12)).isEqualTo(v);
            }
            // the values sit side by side without touching each other, and unaligned access works
            heap.writeLong(off, 0x1122334455667788L);
            heap.writeInt(off + 8, 0xCAFEBABE);
            heap.writeByte(off + 12, (byte) 0x7E);
            heap.writeLong(off + 13, 0x0102030405060708L);
            // bytes 21..80 hold src[3..63)
            heap.write(off + 21, src, 3, 60);
            assertThat(heap.readLong(off)).isEqualTo(0x1122334455667788L);
            assertThat(heap.readInt(off + 8)).isEqualTo(0xCAFEBABE);
            assertThat(heap.readByte(off + 12)).isEqualTo((byte) 0x7E);
            assertThat(heap.readLong(off + 13)).isEqualTo(0x0102030405060708L);
        }
        try (MappedHeap heap = MappedHeap.open(file())) {
            assertThat(heap.readLong(off)).isEqualTo(0x1122334455667788L);
            assertThat(heap.readInt(off + 8)).isEqualTo(0xCAFEBABE);
            assertThat(heap.readByte(off + 12)).isEqualTo((byte) 0x7E);
            assertThat(heap.readLong(off + 13)).isEqualTo(0x0102030405060708L);
            byte[] dst = new byte[70];
            Arrays.fill(dst, (byte) 0x55);
            heap.read(off + 21, dst, 4, 60);
            byte[] expected = new byte[70];
            Arrays.fill(expected, (byte) 0x55);
            System.arraycopy(src, 3, expected, 4, 60);
            assertThat(dst).as("read fills exactly dst[4..64)").isEqualTo(expected);
            assertConsistent(heap);
        }
    }

    @Test
    void statsAddUpOnANewHeapAndAfterAllocationsAndFrees() throws Exception {
        try (MappedHeap heap = create(HeapOptions.defaults())) {
            HeapStats fresh = heap.stats();
            assertStatsAddUp(fresh);
            assertThat(fresh.capacity()).isEqualTo(MIB);
            assertThat(Files.size(file())).isGreaterThanOrEqualTo(fresh.capacity());
            assertThat(fresh.liveBlocks()).isZero();
            assertThat(fresh.usedBytes()).isZero();
            assertThat(fresh.freeBlocks()).isZero();
            assertThat(fresh.topBytes()).isEqualTo(fresh.freeBytes());
            assertThat(fresh.metadataBytes()).isPositive();
            assertThat(fresh.extentBytes()).isEqualTo(fresh.metadataBytes());

            List<Long> offs = new ArrayList<>();
            long used = 0;
            for (long size : new long[] {10, 100, 1000, 10_000, 33, 2048}) {
                long off = heap.allocate(size);
                offs.add(off);
                used += heap.usableSize(off) + BLOCK_HEADER;
            }
            HeapStats allocated = heap.stats();
            assertStatsAddUp(allocated);
            assertThat(allocated.liveBlocks()).isEqualTo(6);
            assertThat(allocated.usedBytes()).isEqualTo(used);
            assertThat(allocated.freeBlocks()).isZero();
            assertThat(allocated.capacity()).isEqualTo(fresh.capacity());

            long middle = offs.get(2);
            long middleBlock = heap.usableSize(middle) + BLOCK_HEADER;
            heap.free(middle);
            HeapStats freed = heap.stats();
            assertStatsAddUp(freed);
            assertThat(freed.liveBlocks()).isEqualTo(5);
            assertThat(freed.usedBytes()).isEqualTo(used - middleBlock);
            assertThat(freed.freeBytes()).isEqualTo(allocated.freeBytes() + middleBlock);
            assertThat(freed.freeBlocks()).isEqualTo(1);
            assertThat(freed.topBytes()).isEqualTo(allocated.topBytes());

            long largest = freed.largestFreeBlock();
            long off = heap.allocate(largest);
            assertThat(heap.usableSize(off)).isGreaterThanOrEqualTo(largest);
            assertThat(heap.stats().capacity()).as("largestFreeBlock is served without growing")
                    .isEqualTo(fresh.capacity());
            assertStatsAddUp(heap.stats());
            assertConsistent(heap);
        }
    }

    @Test
    void checkReportsAnOverwrittenBlockHeaderAndIsCleanOnceItIsRestored() throws Exception {
        // proves check() is a real oracle: the "check().ok()" every test ends with can fail
        try (MappedHeap heap = create(HeapOptions.defaults())) {
            long a = heap.allocate(100);
            long b = heap.allocate(100);
            long freed = heap.allocate(2000);
            long c = heap.allocate(100);
            heap.free(freed);
            assertConsistent(heap);
            for (long victim : new long[] {b, freed}) {
                long head = heap.readLong(victim - 16);
                long word = heap.readLong(victim - 8);
                heap.writeLong(victim - 16, 0x7FFF_FFF0L | (head & 15));
                heap.writeLong(victim - 8, ~word);
                CheckReport broken = heap.check();
                assertThat(broken.ok()).as("check() after overwriting the header before %d", victim).isFalse();
                assertThat(broken.problems()).isNotEmpty();
                heap.writeLong(victim - 16, head);
                heap.writeLong(victim - 8, word);
                assertConsistent(heap);
            }
            assertThat(heap.usableSize(a)).isGreaterThanOrEqualTo(100);
            assertThat(heap.usableSize(c)).isGreaterThanOrEqualTo(100);
            assertConsistent(heap);
        }
    }

    @Test
    void optionsBelowTheMinimumAreRejectedAndTheMinimumWorks() throws Exception {
        assertThatThrownBy(() -> HeapOptions.defaults().initialSize(64 * KIB - 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeapOptions.defaults().growthIncrement(64 * KIB - 1))
                .isInstanceOf(IllegalArgumentException.class);
        HeapOptions minimum = HeapOptions.defaults().initialSize(64 * KIB).growthIncrement(64 * KIB);
        assertThat(HeapOptions.defaults().initialSize()).isEqualTo(MIB);
        assertThat(HeapOptions.defaults().growthIncrement()).isEqualTo(16 * MIB);
        assertThat(HeapOptions.defaults().maxSize()).isEqualTo(HeapOptions.UNBOUNDED);
        try (MappedHeap heap = create(minimum)) {
            assertThat(heap.stats().capacity()).isEqualTo(64 * KIB);
            long off = heap.allocate(100);
            heap.writeLong(off, 99);
            assertThat(heap.readLong(off)).isEqualTo(99);
            assertConsistent(heap);
        }
    }
}
