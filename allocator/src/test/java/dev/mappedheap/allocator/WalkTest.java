package dev.mappedheap.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.alloc.BlockWalker;
import dev.mappedheap.allocator.format.BlockLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The block walk hands its visitor batches read under the heap lock, with no lock held: a visitor may be slow
 * or use the heap, and other instances (processes) are not stalled by it. A walk of a heap nothing changes is
 * exact; one of a heap that changes says so and still reports only real blocks, in growing offset order. Code
 * that runs under the heap lock (a check's progress listener) cannot call back into the heap.
 */
class WalkTest {
    /** Enough blocks for several of the walk's batches (4,096 blocks each at first). */
    private static final int BLOCKS = 20_000;

    @TempDir Path dir;

    private record Block(long offset, long size, boolean inUse) {}

    @Test
    void walkOfAnUnchangedHeapReportsEveryBlockOnceInOrder() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults())) {
            Set<Long> live = fill(heap, new SplittableRandom(1));
            List<Block> blocks = new ArrayList<>();
            WalkReport report = heap.walk((offset, size, inUse) -> blocks.add(new Block(offset, size, inUse)));
            assertThat(report.complete()).as(report.toString()).isTrue();
            assertThat(report.changedDuringWalk()).isFalse();
            assertTiling(heap, blocks);
            assertThat(blocks.stream().filter(Block::inUse).map(b -> b.offset() + 16).toList())
                    .containsExactlyInAnyOrderElementsOf(live);
            HeapStats stats = heap.stats();
            assertThat(report.liveBlocks()).isEqualTo(stats.liveBlocks());
            assertThat(report.freeBlocks()).isEqualTo(stats.freeBlocks());
            assertThat(report.blocks()).isEqualTo(blocks.size()).isGreaterThan(BLOCKS);
        }
    }

    @Test
    void visitorMayAllocateAndFreeInTheHeapItWalks() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults())) {
            SplittableRandom random = new SplittableRandom(2);
            Set<Long> kept = fill(heap, random);
            List<Long> churned = new ArrayList<>(kept).subList(0, BLOCKS / 2);
            Set<Long> untouched = new HashSet<>(kept);
            churned.forEach(untouched::remove);
            List<Long> fresh = new ArrayList<>();
            List<Block> blocks = new ArrayList<>();
            int[] calls = {0};
            WalkReport report = heap.walk((offset, size, inUse) -> {
                blocks.add(new Block(offset, size, inUse));
                if (++calls[0] % 8 == 0 && calls[0] / 8 <= churned.size()) { // ends mid-walk: the rest is read
                    heap.free(churned.get(calls[0] / 8 - 1));                 // without changes
                    fresh.add(heap.allocate(16 + random.nextInt(400)));
                }
            });
            assertThat(report.complete()).as(report.toString()).isTrue();
            assertThat(report.changedDuringWalk()).isTrue();
            long previous = -1;
            Set<Long> reported = new HashSet<>();
            for (Block b : blocks) {
                assertThat(b.offset()).as("offsets only grow").isGreaterThan(previous);
                previous = b.offset();
                if (b.inUse()) {
                    reported.add(b.offset() + 16);
                }
            }
            assertThat(reported).as("every block nobody touched during the walk is reported")
                    .containsAll(untouched);
            HeapTestSupport.assertConsistent(heap);
            List<Block> again = new ArrayList<>();
            assertThat(heap.walk((offset, size, inUse) -> again.add(new Block(offset, size, inUse)))
                    .changedDuringWalk()).isFalse();
            assertTiling(heap, again);
        }
    }

    @Test
    void aSlowVisitorDoesNotStallAnotherInstanceOfTheHeap() throws Exception {
        Path file = dir.resolve("h.heap");
        try (MappedHeap walker = MappedHeap.create(file, HeapOptions.defaults());
                MappedHeap other = MappedHeap.open(file)) {
            fill(walker, new SplittableRandom(3));
            CountDownLatch otherDone = new CountDownLatch(1);
            AtomicBoolean otherFinishedInsideVisitor = new AtomicBoolean();
            CompletableFuture<WalkReport> walk = CompletableFuture.supplyAsync(() -> walker.walk((o, s, u) -> {
                if (otherDone.getCount() > 0) {
                    try { // the first block: wait here until the other instance has allocated and freed
                        otherFinishedInsideVisitor.set(otherDone.await(20, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }));
            Thread.sleep(50); // the walker is (most likely) inside its visitor by now; if not, the check still holds
            long p = other.allocate(4096);
            other.free(p);
            otherDone.countDown();
            assertThat(walk.get(30, TimeUnit.SECONDS).complete()).isTrue();
            assertThat(otherFinishedInsideVisitor).as("the other instance worked while the visitor waited").isTrue();
        }
    }

    @Test
    void progressListenerOfCheckCannotCallBackIntoTheHeap() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults())) {
            fill(heap, new SplittableRandom(4));
            ProgressListener allocating = new ProgressListener() {
                @Override
                public void progress(String phase, long done, long total) {
                    heap.allocate(64);
                }

                @Override
                public long intervalBytes() {
                    return 4096;
                }
            };
            assertThatThrownBy(() -> heap.check(allocating)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("progress listener");
            Runnable closeTheHeap = heap::close;
            assertThatThrownBy(() -> heap.check((phase, done, total) -> closeTheHeap.run()))
                    .isInstanceOf(IllegalStateException.class);
            long p = heap.allocate(64); // neither lock is left held, and the heap is still open
            heap.free(p);
            HeapTestSupport.assertConsistent(heap);
            long[] walkProgress = {0};
            heap.walk((o, s, u) -> { }, (phase, done, total) -> walkProgress[0] = heap.allocate(16));
            assertThat(walkProgress[0]).as("a walk's progress listener runs without the lock").isPositive();
        }
    }

    @Test
    void repairMovesTheJournalSequenceOnSoAWalkElsewhereNoticesTheChange() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults())) {
            fill(heap, new SplittableRandom(5));
            long p = heap.allocate(100);
            heap.allocate(100); // p is not next to the top
            long before = heap.info().journalSeq();
            heap.repair(); // clean: writes nothing
            assertThat(heap.info().journalSeq()).isEqualTo(before);
            heap.writeLong(p - 16, heap.readLong(p - 16) & ~BlockLayout.CINUSE);
            assertThat(heap.repair().ok()).isTrue();
            assertThat(heap.info().journalSeq()).isEqualTo(before + 1);
        }
    }

    /**
     * A repair writes block heads without the journal. If it stops midway (its progress listener throws, or its
     * process is killed), a walk elsewhere must still learn that the blocks changed: otherwise it goes on from
     * its old cursor, which may now lie inside a merged free block, and reports a block that is not one.
     */
    @Test
    void aRepairThatStopsMidwayStillTellsAWalkTheBlocksChanged() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults())) {
            int firstBatch = BlockWalker.FIRST_BATCH; // the walk's second batch starts at this block
            List<Long> payloads = new ArrayList<>();
            for (int i = 0; i < firstBatch + 1000; i++) {
                payloads.add(heap.allocate(48));
            }
            // blocks firstBatch-6 .. firstBatch+4 free and adjacent, not merged: one freed, the rest made free by
            // hand (head without CINUSE, no check word, footer = size), which repair merges into one free block
            heap.free(payloads.get(firstBatch - 6));
            for (int i = firstBatch - 5; i <= firstBatch + 4; i++) {
                long block = payloads.get(i) - 16;
                long size = BlockLayout.size(heap.readLong(block));
                heap.writeLong(block, size);
                heap.writeLong(block + 8, 0);
                heap.writeLong(block + size - 8, size);
            }
            long secondBatchStart = payloads.get(firstBatch) - 16;
            ProgressListener stopsAfterRebuild = (phase, done, total) -> {
                if (phase.equals("repair") && done == total) { // every head rewritten, nothing published yet
                    throw new IllegalStateException("repair cancelled");
                }
            };
            List<Block> blocks = new ArrayList<>();
            WalkReport report = heap.walk((offset, size, inUse) -> {
                if (blocks.isEmpty()) { // the first batch is read: repair now, stopping before it finishes
                    assertThatThrownBy(() -> heap.repair(stopsAfterRebuild)).hasMessageContaining("cancelled");
                }
                blocks.add(new Block(offset, size, inUse));
            });
            List<Block> now = new ArrayList<>();
            assertThat(heap.walk((offset, size, inUse) -> now.add(new Block(offset, size, inUse)))
                    .changedDuringWalk()).isFalse();
            assertTiling(heap, now);
            Set<Long> boundaries = new HashSet<>();
            now.forEach(b -> boundaries.add(b.offset()));
            List<Long> phantoms = blocks.stream().map(Block::offset)
                    .filter(o -> o >= secondBatchStart && !boundaries.contains(o)).toList();
            assertThat(phantoms).as("blocks read after the repair changed the heap are blocks of it").isEmpty();
            assertThat(report.changedDuringWalk()).as("the repair changed the blocks between two batches").isTrue();
        }
    }

    /** Allocates {@link #BLOCKS} blocks of mixed sizes and frees every third: free blocks among live ones. */
    private static Set<Long> fill(MappedHeap heap, SplittableRandom random) {
        List<Long> all = new ArrayList<>();
        for (int i = 0; i < BLOCKS + BLOCKS / 2; i++) {
            all.add(heap.allocate(16 + random.nextInt(300)));
        }
        Set<Long> live = new HashSet<>();
        for (int i = 0; i < all.size(); i++) {
            if (i % 3 == 2) {
                heap.free(all.get(i));
            } else {
                live.add(all.get(i));
            }
        }
        return live;
    }

    /** Blocks reported by a walk of an unchanged heap tile it from the first block to the top. */
    private static void assertTiling(MappedHeap heap, List<Block> blocks) {
        HeapInfo info = heap.info();
        long expected = info.heapStart();
        for (Block b : blocks) {
            assertThat(b.offset()).as("blocks tile the heap").isEqualTo(expected);
            expected += b.size();
        }
        assertThat(expected).as("the last block ends at the top").isEqualTo(info.top());
    }
}
