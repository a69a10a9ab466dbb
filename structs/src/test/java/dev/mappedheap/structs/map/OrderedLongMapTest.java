package dev.mappedheap.structs.map;

import static dev.mappedheap.structs.map.MapTestSupport.TINY_NODES;
import static dev.mappedheap.structs.map.MapTestSupport.assertConsistent;
import static dev.mappedheap.structs.map.MapTestSupport.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.MappedHeap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edge cases and API contracts of {@link OrderedLongMap}. */
class OrderedLongMapTest {
    @TempDir
    Path dir;
    MappedHeap heap;

    @BeforeEach
    void openHeap() {
        heap = MapTestSupport.newHeap(dir);
    }

    @AfterEach
    void closeHeap() {
        heap.close();
    }

    @Test
    void emptyMapAnswersEveryQueryWithNothing() {
        OrderedLongMap map = OrderedLongMap.create(heap, 8);
        assertThat(map.size()).isZero();
        assertThat(map.isEmpty()).isTrue();
        assertThat(map.height()).isEqualTo(1);
        assertThat(map.get(5, -1)).isEqualTo(-1);
        assertThat(map.valueOffset(5)).isEqualTo(OrderedLongMap.ABSENT);
        assertThat(map.remove(5)).isFalse();
        assertThat(map.rank(5)).isZero();
        assertThat(map.floorKey(5)).isEmpty();
        assertThat(map.ceilingKey(5)).isEmpty();
        assertThat(map.lowerKey(Long.MAX_VALUE)).isEmpty();
        assertThat(map.higherKey(Long.MIN_VALUE)).isEmpty();
        assertThat(map.cursor().seekFirst()).isFalse();
        assertThat(map.cursor().seekLast()).isFalse();
        assertThat(map.forEach(Long.MIN_VALUE, Long.MAX_VALUE, (k, v) -> true)).isZero();
        assertThatThrownBy(() -> map.select(0)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("index=0 size=0");
        assertThatThrownBy(map::firstKey).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(map::lastKey).isInstanceOf(NoSuchElementException.class);
        assertConsistent(map, heap);
    }

    @Test
    void singleKeyIsFoundByEveryQuery() {
        OrderedLongMap map = OrderedLongMap.create(heap, 8);
        assertThat(map.put(10, 100)).isTrue();
        assertThat(map.put(10, 101)).as("replace").isFalse();
        assertThat(map.size()).isEqualTo(1);
        assertThat(map.get(10, -1)).isEqualTo(101);
        assertThat(map.floorKey(10)).hasValue(10);
        assertThat(map.floorKey(9)).isEmpty();
        assertThat(map.ceilingKey(11)).isEmpty();
        assertThat(map.lowerKey(11)).hasValue(10);
        assertThat(map.higherKey(9)).hasValue(10);
        assertThat(map.rank(10)).isZero();
        assertThat(map.rank(11)).isEqualTo(1);
        assertThat(map.select(0)).isEqualTo(10);
        assertThat(map.firstKey()).isEqualTo(10);
        assertThat(map.lastKey()).isEqualTo(10);
        assertThat(map.remove(10)).isTrue();
        assertThat(map.isEmpty()).isTrue();
        assertConsistent(map, heap);
    }

    @Test
    void extremeKeysSortAndSearchAtTheEndsOfTheRange() {
        OrderedLongMap map = OrderedLongMap.create(heap, 8, TINY_NODES);
        long[] keys = {Long.MAX_VALUE, Long.MIN_VALUE, 0, -1, 1, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1};
        for (long key : keys) {
            map.put(key, ~key);
        }
        assertThat(keys(map)).containsExactly(Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L, 0L, 1L, Long.MAX_VALUE - 1,
                Long.MAX_VALUE);
        assertThat(map.get(Long.MIN_VALUE, 0)).isEqualTo(~Long.MIN_VALUE);
        assertThat(map.get(Long.MAX_VALUE, 0)).isEqualTo(~Long.MAX_VALUE);
        assertThat(map.floorKey(Long.MIN_VALUE)).hasValue(Long.MIN_VALUE);
        assertThat(map.lowerKey(Long.MIN_VALUE)).isEmpty();
        assertThat(map.ceilingKey(Long.MAX_VALUE)).hasValue(Long.MAX_VALUE);
        assertThat(map.higherKey(Long.MAX_VALUE)).isEmpty();
        assertThat(map.rank(Long.MAX_VALUE)).isEqualTo(6);
        assertThat(map.rank(Long.MIN_VALUE)).isZero();
        assertThat(map.select(6)).isEqualTo(Long.MAX_VALUE);
        List<Long> all = new ArrayList<>();
        map.forEach(Long.MIN_VALUE, Long.MAX_VALUE, (k, v) -> all.add(k));
        assertThat(all).hasSize(7);
        assertConsistent(map, heap);
    }

    @Test
    void removingEveryKeyFreesEveryNodeButTheRoot() {
        OrderedLongMap map = OrderedLongMap.create(heap, 8, TINY_NODES);
        long emptyMapBlocks = heap.stats().liveBlocks();
        for (long k = 0; k < 2000; k++) {
            map.put(k * 7919 % 2000, k);
        }
        assertThat(map.height()).isGreaterThanOrEqualTo(5);
        assertThat(heap.stats().liveBlocks()).isGreaterThan(emptyMapBlocks + 300);
        assertConsistent(map, heap);
        for (long k = 0; k < 2000; k++) {
            assertThat(map.remove(k * 4001 % 2000)).isTrue();
        }
        assertThat(map.size()).isZero();
        assertThat(map.height()).isEqualTo(1);
        assertThat(heap.stats().liveBlocks()).isEqualTo(emptyMapBlocks);
        assertConsistent(map, heap);
    }

    @Test
    void sequentialAppendsAndRemovalsFromTheFrontSplitAndMergeAtEveryLevel() {
        OrderedLongMap map = OrderedLongMap.create(heap, 8, TINY_NODES);
        int heightSeen = 0;
        for (long uid = 1; uid <= 3000; uid++) {
            map.put(uid, uid * 10);
            heightSeen = Math.max(heightSeen, map.height());
        }
        assertThat(heightSeen).isGreaterThanOrEqualTo(6);
        assertConsistent(map, heap);
        // expunge from the front, as a mail store does, checking the sequence-number mapping as it shrinks
        for (long uid = 1; uid <= 2990; uid++) {
            assertThat(map.rank(uid)).isZero();
            assertThat(map.select(0)).isEqualTo(uid);
            map.remove(uid);
            if (uid % 500 == 0) {
                assertConsistent(map, heap);
            }
        }
        assertThat(keys(map)).containsExactlyElementsOf(LongStream.rangeClosed(2991, 3000).boxed().toList());
        assertThat(map.height()).isLessThanOrEqualTo(3);
        assertConsistent(map, heap);
    }

    @Test
    void rankAndSelectAreInverse() {
        OrderedLongMap map = OrderedLongMap.create(heap, 8, 256);
        for (long k = 0; k < 1500; k++) {
            map.put(k * 3, k);
        }
        for (long i = 0; i < 1500; i++) {
            long key = map.select(i);
            assertThat(key).isEqualTo(i * 3);
            assertThat(map.rank(key)).isEqualTo(i);
            assertThat(map.rank(key + 1)).isEqualTo(i + 1);
        }
        MapCursor c = map.cursor();
        c.seekIndex(700);
        assertThat(c.key()).isEqualTo(2100);
        assertThat(c.longValue()).isEqualTo(700);
        assertThat(c.next()).isTrue();
        assertThat(c.key()).isEqualTo(2103);
        assertThatThrownBy(() -> map.select(1500)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> map.select(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void wideValuesAreStoredInline() {
        OrderedLongMap map = OrderedLongMap.create(heap, 24, 512);
        for (int k = 0; k < 300; k++) {
            byte[] value = new byte[24];
            for (int i = 0; i < 24; i++) {
                value[i] = (byte) (k + i);
            }
            map.put(k, value);
        }
        byte[] dst = new byte[24];
        assertThat(map.get(123, dst)).isTrue();
        assertThat(dst[0]).isEqualTo((byte) 123);
        assertThat(dst[23]).isEqualTo((byte) (123 + 23));
        assertThat(map.get(999, dst)).isFalse();
        assertThat(heap.readByte(map.valueOffset(200) + 5)).isEqualTo((byte) 205);
        assertThatThrownBy(() -> map.put(1, 5L)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("valueWidth=24");
        assertThatThrownBy(() -> map.put(1, new byte[8])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length=8 valueWidth=24");
        assertConsistent(map, heap);
    }

    @Test
    void survivesCloseAndReopenFromTheHeaderOffset() {
        OrderedLongMap map = OrderedLongMap.create(heap, 8, TINY_NODES);
        for (long k = 0; k < 500; k++) {
            map.put(k, k * k);
        }
        heap.setRoot(map.headerOffset());
        heap.close();
        heap = MappedHeap.open(dir.resolve("map.heap"));
        OrderedLongMap again = OrderedLongMap.open(heap, heap.root());
        assertThat(again.size()).isEqualTo(500);
        assertThat(again.nodeSize()).isEqualTo(TINY_NODES);
        assertThat(again.valueWidth()).isEqualTo(8);
        assertThat(again.get(499, -1)).isEqualTo(499 * 499);
        assertThat(again.rank(250)).isEqualTo(250);
        assertConsistent(again, heap);
    }

    @Test
    void rejectsBadGeometryNamingTheValue() {
        assertThatThrownBy(() -> OrderedLongMap.create(heap, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("valueWidth=0");
        assertThatThrownBy(() -> OrderedLongMap.create(heap, 8, 100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodeSize=100");
        assertThatThrownBy(() -> OrderedLongMap.create(heap, 8, 1 << 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodeSize=1048576");
        assertThatThrownBy(() -> OrderedLongMap.create(heap, 100, 256)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leafCapacity=2");
        assertThatThrownBy(() -> OrderedLongMap.create(heap, 8).get(1, new byte[4]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cursorWalksBothWaysAndNoticesChanges() {
        OrderedLongMap map = OrderedLongMap.create(heap, 8, TINY_NODES);
        for (long k = 1; k <= 100; k++) {
            map.put(k * 2, k);
        }
        MapCursor c = map.cursor();
        assertThat(c.isValid()).isFalse();
        assertThatThrownBy(c::key).isInstanceOf(IllegalStateException.class);
        assertThat(c.seekFloor(51)).isTrue();
        assertThat(c.key()).isEqualTo(50);
        assertThat(c.previous()).isTrue();
        assertThat(c.key()).isEqualTo(48);
        assertThat(c.seekHigher(50)).isTrue();
        assertThat(c.key()).isEqualTo(52);
        assertThat(c.seekLower(2)).isFalse();
        assertThat(c.seekLast()).isTrue();
        assertThat(c.key()).isEqualTo(200);
        assertThat(c.next()).isFalse();
        assertThat(c.isValid()).isFalse();
        c.seekFirst();
        map.put(3, 3);
        assertThatThrownBy(c::next).isInstanceOf(ConcurrentModificationException.class);
        c.seekFirst();
        map.put(2, 99); // a replacement keeps the cursor valid
        assertThat(c.longValue()).isEqualTo(99);
    }

    @Test
    void forEachVisitsAnInclusiveRangeAndStopsWhenAsked() {
        OrderedLongMap map = OrderedLongMap.create(heap, 8, TINY_NODES);
        for (long k = 0; k < 300; k++) {
            map.put(k, k + 1000);
        }
        List<Long> seen = new ArrayList<>();
        long visited = map.forEach(100, 149, (k, v) -> {
            assertThat(heap.readLong(v)).isEqualTo(k + 1000);
            return seen.add(k);
        });
        assertThat(visited).isEqualTo(50);
        assertThat(seen).containsExactlyElementsOf(LongStream.rangeClosed(100, 149).boxed().toList());
        assertThat(map.forEach(10, 1000, (k, v) -> k < 14)).isEqualTo(5);
        assertThat(map.forEach(20, 10, (k, v) -> true)).isZero();
        assertThatThrownBy(() -> map.forEach(0, 10, (k, v) -> map.remove(k + 1)))
                .isInstanceOf(ConcurrentModificationException.class);
    }

    @Test
    void floorAndCeilingCrossLeafBoundaries() {
        OrderedLongMap map = OrderedLongMap.create(heap, 8, TINY_NODES);
        for (long k = 0; k < 200; k++) {
            map.put(k * 10, k);
        }
        // remove the first keys of many leaves, so separators no longer equal the smallest key under them
        for (long k = 0; k < 200; k += 3) {
            map.remove(k * 10);
        }
        for (long probe = -5; probe < 2005; probe++) {
            long p = probe;
            OptionalLong floor = LongStream.rangeClosed(0, 199).map(k -> k * 10)
                    .filter(k -> k <= p && (k / 10) % 3 != 0).max();
            OptionalLong ceiling = LongStream.rangeClosed(0, 199).map(k -> k * 10)
                    .filter(k -> k >= p && (k / 10) % 3 != 0).min();
            assertThat(map.floorKey(probe)).as("floor %d", probe).isEqualTo(floor);
            assertThat(map.ceilingKey(probe)).as("ceiling %d", probe).isEqualTo(ceiling);
        }
        assertConsistent(map, heap);
    }
}
