package dev.mappedheap.allocator;

import static dev.mappedheap.allocator.HeapTestSupport.BLOCK_HEADER;
import static dev.mappedheap.allocator.HeapTestSupport.KIB;
import static dev.mappedheap.allocator.HeapTestSupport.MIB;
import static dev.mappedheap.allocator.HeapTestSupport.assertConsistent;
import static dev.mappedheap.allocator.HeapTestSupport.assertContents;
import static dev.mappedheap.allocator.HeapTestSupport.assertStatsAddUp;
import static dev.mappedheap.allocator.HeapTestSupport.pattern;
import static dev.mappedheap.allocator.HeapTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that the heap file grows on demand without disturbing what is already in it: across hundreds of
 * small growth steps every block keeps its offset and contents, the root and the contents survive close and
 * reopen, the growth settings stored in the file still apply after reopening, a single request larger than
 * the growth increment grows the file by as much as it needs, and hitting {@code maxSize} throws
 * {@link HeapFullException} while leaving a heap that keeps working.
 */
class HeapGrowthTest {
    private static final HeapOptions SMALL_STEPS =
            HeapOptions.defaults().initialSize(64 * KIB).growthIncrement(64 * KIB);

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("heap.bin");
    }

    /** Content of block number {@code index}: regenerated on demand so 20 MiB need not be kept. */
    private static byte[] contentOf(int index, int length) {
        return pattern(0x9E3779B97F4A7C15L * (index + 1), length);
    }

    @Test
    void twentyMegabytesInVariedSizesGrowTheFileManyTimesAndKeepEveryBlockIntact() throws Exception {
        SplittableRandom random = new SplittableRandom(20);
        Map<Integer, long[]> blocks = new LinkedHashMap<>(); // index -> {offset, length}
        long table;
        long capacityAtClose;
        try (MappedHeap heap = MappedHeap.create(file(), SMALL_STEPS)) {
            long initialCapacity = heap.stats().capacity();
            long sentinel = heap.allocate(64);
            heap.writeLong(sentinel, 0x5E771E1L);
            long capacity = initialCapacity;
            int growths = 0;
            long requested = 0;
            for (int i = 0; requested < 20 * MIB; i++) {
                int size = randomSize(random);
                long off = heap.allocate(size);
                assertThat(off % 16).isZero();
                assertThat(heap.usableSize(off)).isGreaterThanOrEqualTo(size);
                write(heap, off, contentOf(i, size));
                blocks.put(i, new long[] {off, size});
                requested += size;
                if (random.nextInt(5) == 0) { // free some, so growth also meets free blocks and merges
                    int victim = i - random.nextInt(Math.min(i + 1, 50));
                    long[] gone = blocks.remove(victim);
                    if (gone != null) {
                        heap.free(gone[0]);
                    }
                }
                long now = heap.stats().capacity();
                assertThat(now).as("capacity never shrinks").isGreaterThanOrEqualTo(capacity);
                if (now > capacity) {
                    growths++;
                    capacity = now;
                    assertThat(heap.readLong(sentinel)).as("sentinel after growth %d", growths).isEqualTo(0x5E771E1L);
                    if (!blocks.isEmpty()) {
                        Map.Entry<Integer, long[]> oldest = blocks.entrySet().iterator().next();
                        long[] block = oldest.getValue();
                        assertContents(heap, block[0], contentOf(oldest.getKey(), (int) block[1]),
                                "oldest block after growth " + growths);
                    }
                }
            }
            assertThat(growths).as("growth steps").isGreaterThanOrEqualTo(20);
            assertThat(capacity).isGreaterThan(initialCapacity);
            assertThat(Files.size(file())).isGreaterThanOrEqualTo(capacity);
            verifyAll(heap, blocks);

            // a table of contents listing every block, reachable from the root
            table = heap.allocate(16L * blocks.size() + 8);
            heap.writeLong(table, blocks.size());
            int slot = 0;
            for (Map.Entry<Integer, long[]> e : blocks.entrySet()) {
                heap.writeLong(table + 8 + 16L * slot, e.getValue()[0]);
                heap.writeLong(table + 16 + 16L * slot, e.getKey());
                slot++;
            }
            heap.setRoot(table);
            HeapStats stats = heap.stats();
            assertStatsAddUp(stats);
            assertThat(stats.liveBlocks()).isEqualTo(blocks.size() + 2);
            capacityAtClose = stats.capacity();
            assertConsistent(heap);
        }
        try (MappedHeap heap = MappedHeap.open(file())) {
            assertThat(heap.root()).isEqualTo(table);
            assertThat(heap.stats().capacity()).isEqualTo(capacityAtClose);
            long count = heap.readLong(table);
            assertThat(count).isEqualTo(blocks.size());
            for (int slot = 0; slot < count; slot++) {
                long off = heap.readLong(table + 8 + 16L * slot);
                int index = (int) heap.readLong(table + 16 + 16L * slot);
                long[] block = blocks.get(index);
                assertThat(off).isEqualTo(block[0]);
                assertContents(heap, off, contentOf(index, (int) block[1]), "after reopen");
            }
            // growth continues after reopening, with the small increment stored in the file
            long before = heap.stats().capacity();
            while (heap.stats().capacity() == before) {
                heap.writeLong(heap.allocate(4000), 1);
            }
            assertThat(heap.stats().capacity() - before).as("growth step after reopen")
                    .isBetween(64 * KIB, 64 * KIB + 4 * KIB);
            verifyAll(heap, blocks);
            assertConsistent(heap);
        }
    }

    private static int randomSize(SplittableRandom random) {
        int roll = random.nextInt(100);
        if (roll < 70) {
            return 1 + random.nextInt(4096);
        }
        if (roll < 95) {
            return 4096 + random.nextInt(60 * 1024);
        }
        return 64 * 1024 + random.nextInt(448 * 1024);
    }

    private static void verifyAll(MappedHeap heap, Map<Integer, long[]> blocks) {
        for (Map.Entry<Integer, long[]> e : blocks.entrySet()) {
            long[] block = e.getValue();
            assertContents(heap, block[0], contentOf(e.getKey(), (int) block[1]), "block #" + e.getKey());
        }
    }

    @Test
    void smallRequestsGrowTheFileByTheGrowthIncrement() throws Exception {
        HeapOptions options = HeapOptions.defaults().initialSize(64 * KIB).growthIncrement(256 * KIB);
        try (MappedHeap heap = MappedHeap.create(file(), options)) {
            List<Long> deltas = new ArrayList<>();
            long capacity = heap.stats().capacity();
            while (deltas.size() < 5) {
                heap.writeLong(heap.allocate(1000), 7);
                long now = heap.stats().capacity();
                if (now != capacity) {
                    deltas.add(now - capacity);
                    capacity = now;
                }
            }
            assertThat(deltas).as("growth steps for 1000-byte requests").containsOnly(256 * KIB);
            assertStatsAddUp(heap.stats());
            assertConsistent(heap);
        }
    }

    @Test
    void aSingleRequestLargerThanTheGrowthIncrementGrowsTheFileByAsMuchAsItNeeds() throws Exception {
        long size = 3 * MIB + 5;
        long off;
        try (MappedHeap heap = MappedHeap.create(file(), SMALL_STEPS)) {
            long small = heap.allocate(100);
            write(heap, small, contentOf(1, 100));
            HeapStats beforeStats = heap.stats();
            long before = beforeStats.capacity();
            off = heap.allocate(size);
            long after = heap.stats().capacity();
            assertThat(heap.usableSize(off)).isGreaterThanOrEqualTo(size);
            assertThat(off + heap.usableSize(off)).isLessThanOrEqualTo(after);
            // the old top covers part of the block; one growth step supplies all the rest
            assertThat(after - before).as("one growth covering the whole request")
                    .isGreaterThan(64 * KIB)
                    .isGreaterThanOrEqualTo(size + BLOCK_HEADER - beforeStats.topBytes());
            assertThat(after).as("not grown far beyond the need").isLessThanOrEqualTo(before + size + 128 * KIB);
            write(heap, off, contentOf(2, (int) size));
            assertContents(heap, small, contentOf(1, 100), "small block after the big growth");
            heap.setRoot(off);
            assertConsistent(heap);
        }
        try (MappedHeap heap = MappedHeap.open(file())) {
            assertThat(heap.root()).isEqualTo(off);
            assertContents(heap, off, contentOf(2, (int) size), "big block after reopen");
            heap.free(off);
            assertThat(heap.stats().freeBytes()).isGreaterThanOrEqualTo(size + BLOCK_HEADER);
            assertConsistent(heap);
        }
    }

    @Test
    void growthBeyondMaxSizeThrowsHeapFullAndTheHeapKeepsWorking() throws Exception {
        long maxSize = 256 * KIB;
        HeapOptions options = SMALL_STEPS.maxSize(maxSize);
        List<Long> blocks = new ArrayList<>();
        try (MappedHeap heap = MappedHeap.create(file(), options)) {
            HeapStats beforeFull = fillUntilFull(heap, blocks, 4000);
            assertThat(beforeFull.capacity()).isLessThanOrEqualTo(maxSize);
            assertThat(heap.stats()).as("the refused allocation changed nothing").isEqualTo(beforeFull);
            assertThat(blocks.size()).as("blocks that fit").isGreaterThan(40);
            assertThatThrownBy(() -> heap.allocate(maxSize)).isInstanceOf(HeapFullException.class);
            assertThat(heap.stats()).isEqualTo(beforeFull);
            assertConsistent(heap);

            // free three blocks: their space serves smaller requests, still within maxSize
            List<Long> smaller = new ArrayList<>();
            for (int i : new int[] {3, 10, 20}) {
                heap.free(blocks.get(i));
            }
            blocks.remove(20);
            blocks.remove(10);
            blocks.remove(3);
            for (int i = 0; i < 9; i++) {
                long off = heap.allocate(1000);
                heap.writeLong(off, -off);
                smaller.add(off);
            }
            assertThat(heap.stats().capacity()).isLessThanOrEqualTo(maxSize);
            verifyFilled(heap, blocks);
            for (long off : smaller) {
                assertThat(heap.readLong(off)).isEqualTo(-off);
            }
            assertStatsAddUp(heap.stats());
            assertConsistent(heap);
        }
        // the limit is stored in the file: a reopened heap still stops at it
        try (MappedHeap heap = MappedHeap.open(file())) {
            HeapStats full = fillUntilFull(heap, blocks, 4000);
            assertThat(full.capacity()).isLessThanOrEqualTo(maxSize);
            verifyFilled(heap, blocks);
            assertConsistent(heap);
        }
    }

    @Test
    void reallocateOfTheLastBlockMovesIntoAFreeBlockWhenGrowingInPlaceWouldPassMaxSize() throws Exception {
        long maxSize = 256 * KIB;
        try (MappedHeap heap = MappedHeap.create(file(), SMALL_STEPS.maxSize(maxSize))) {
            long hole = heap.allocate(100_000);
            long guard = heap.allocate(16);
            long filler = heap.allocate(60_000);
            long last = heap.allocate(100);
            heap.free(hole);
            byte[] bytes = contentOf(3, (int) heap.usableSize(last));
            write(heap, last, bytes);
            HeapStats before = heap.stats();
            assertThat(last + heap.usableSize(last)).as("the block borders the top")
                    .isEqualTo(before.capacity() - before.topBytes());
            assertThat(last + 90_000).as("growing in place would pass maxSize").isGreaterThan(maxSize);
            assertThat(before.largestFreeBlock()).as("the freed hole holds the new size")
                    .isGreaterThanOrEqualTo(90_000);

            long moved = heap.reallocate(last, 90_000);

            assertThat(moved).as("moved into the hole").isEqualTo(hole);
            assertThat(heap.usableSize(moved)).isGreaterThanOrEqualTo(90_000);
            assertContents(heap, moved, bytes, "moved block");
            assertThat(heap.stats().capacity()).isLessThanOrEqualTo(maxSize);
            assertThat(heap.usableSize(guard)).isEqualTo(16);
            assertThat(heap.usableSize(filler)).isGreaterThanOrEqualTo(60_000);
            assertConsistent(heap);
        }
    }

    /** Allocates {@code size}-byte blocks, each marked with its offset, until the heap is full; returns prior stats. */
    private static HeapStats fillUntilFull(MappedHeap heap, List<Long> blocks, long size) {
        while (true) {
            HeapStats before = heap.stats();
            long off;
            try {
                off = heap.allocate(size);
            } catch (HeapFullException full) {
                assertThat(heap.stats()).as("stats after HeapFullException").isEqualTo(before);
                return before;
            }
            heap.writeLong(off, off);
            heap.writeLong(off + size - 8, ~off);
            blocks.add(off);
            assertThat(blocks.size()).as("a 256 KiB heap cannot hold this many blocks").isLessThan(1000);
        }
    }

    private static void verifyFilled(MappedHeap heap, List<Long> blocks) {
        for (long off : blocks) {
            assertThat(heap.readLong(off)).as("first word of block %d", off).isEqualTo(off);
            assertThat(heap.readLong(off + 4000 - 8)).as("last word of block %d", off).isEqualTo(~off);
        }
    }
}
