package dev.mappedheap.structs.map;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.MappedHeap;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process-local leaf index is only a hint: entries move between leaves without any node being allocated
 * or freed (an insert below a leaf's first key, a borrow between siblings), and gets must still be right. The
 * test lets the index be built, then makes exactly such changes between runs of gets, with a TreeMap as the
 * model, and checks the index is really in use while they run.
 */
class LeafIndexTest {
    private static final long SEED = Long.getLong("mappedheap.map.seed", 20261204L);

    @TempDir Path dir;

    @Test
    void getsStayRightWhileEntriesMoveBetweenLeavesUnderACurrentIndex() {
        System.out.println("leaf index: seed=" + SEED);
        SplittableRandom random = new SplittableRandom(SEED);
        try (MappedHeap heap = MapTestSupport.newHeap(dir)) {
            OrderedLongMap map = OrderedLongMap.create(heap, 8, 256);
            TreeMap<Long, Long> model = new TreeMap<>();
            for (long k = 0; k < 20_000; k++) {
                long key = k * 10; // gaps, so later inserts land between and below existing keys
                map.put(key, key);
                model.put(key, key);
            }
            int lookupsWithCurrentIndex = 0;
            for (int round = 0; round < 200; round++) {
                for (int i = 0; i < 2_000; i++) {
                    long key = random.nextLong(210_000) - 5_000;
                    Long expected = model.get(key);
                    assertThat(map.get(key, Long.MIN_VALUE)).as("round %d key %d", round, key)
                            .isEqualTo(expected == null ? Long.MIN_VALUE : expected);
                    if (map.hasCurrentLeafIndex()) {
                        lookupsWithCurrentIndex++;
                    }
                }
                // a few changes: mostly inserts into gaps and removes, which move leaf boundaries without
                // (usually) allocating or freeing a node
                for (int i = 0; i < 5; i++) {
                    long key = random.nextLong(210_000) - 5_000;
                    if (random.nextBoolean()) {
                        map.put(key, -key);
                        model.put(key, -key);
                    } else {
                        Long victim = model.ceilingKey(key);
                        if (victim != null) {
                            assertThat(map.remove(victim)).isTrue();
                            model.remove(victim);
                        }
                    }
                }
            }
            assertThat(map.size()).isEqualTo(model.size());
            assertThat(lookupsWithCurrentIndex).as("most lookups went through a current index")
                    .isGreaterThan(200 * 2_000 / 2);
            assertThat(map.check().ok()).isTrue();
        }
    }
}
