package dev.mappedheap.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One {@link MappedHeap} shared by several threads: allocator operations are serialised by its lock, so no
 * block is handed to two threads, growth under concurrent use keeps every offset valid, and the heap checks
 * clean at the end.
 */
class ThreadSharingTest {
    private static final int THREADS = 4;
    private static final int STEPS = 20_000;

    @TempDir Path dir;

    @Test
    void threadsAllocatingFreeingAndGrowingNeverShareABlock() throws Exception {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("shared.heap"),
                HeapOptions.defaults().initialSize(64 << 10).growthIncrement(64 << 10))) {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long owner = t + 1;
                results.add(pool.submit(() -> churn(heap, owner)));
            }
            int live = 0;
            for (Future<Integer> result : results) {
                live += result.get(2, TimeUnit.MINUTES);
            }
            pool.shutdown();
            assertThat(heap.stats().liveBlocks()).isEqualTo(live);
            CheckReport report = heap.check();
            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(heap.stats().capacity()).as("the heap grew while shared").isGreaterThan(64 << 10);
        }
    }

    /**
     * Allocates, stamps every word of each block with this thread's id and the block's offset, verifies the
     * stamps before freeing: a block handed to two threads shows up as a foreign stamp.
     *
     * @return how many blocks this thread still holds
     */
    private static int churn(MappedHeap heap, long owner) {
        SplittableRandom random = new SplittableRandom(owner);
        List<Long> mine = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            if (mine.isEmpty() || random.nextInt(10) < 6) {
                long block = heap.allocate(8 + random.nextInt(2000));
                stamp(heap, block, owner);
                mine.add(block);
            } else {
                long block = mine.remove(random.nextInt(mine.size()));
                verify(heap, block, owner);
                heap.free(block);
            }
        }
        for (long block : mine) {
            verify(heap, block, owner);
        }
        return mine.size();
    }

    private static void stamp(MappedHeap heap, long block, long owner) {
        long words = heap.usableSize(block) / 8;
        for (long i = 0; i < words; i++) {
            heap.writeLong(block + 8 * i, owner << 48 ^ block);
        }
    }

    private static void verify(MappedHeap heap, long block, long owner) {
        long words = heap.usableSize(block) / 8;
        for (long i = 0; i < words; i++) {
            long found = heap.readLong(block + 8 * i);
            if (found != (owner << 48 ^ block)) {
                throw new AssertionError("block " + block + " of thread " + owner + " overwritten at word " + i
                        + ": found owner " + (found >>> 48));
            }
        }
    }
}
