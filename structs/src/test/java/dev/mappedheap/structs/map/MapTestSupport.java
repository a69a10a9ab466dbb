package dev.mappedheap.structs.map;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Helpers shared by the map tests: a small heap, the check every test ends with, and a walk of all keys. */
final class MapTestSupport {
    /** Smallest node size: leaves of 6 long entries, branches of 4 children, so a few hundred keys give height 4+. */
    static final int TINY_NODES = 128;

    private MapTestSupport() {}

    static MappedHeap newHeap(Path dir) {
        return MappedHeap.create(dir.resolve("map.heap"), HeapOptions.defaults().initialSize(1 << 20));
    }

    /** The check every test ends with: {@link OrderedLongMap#check()} finds nothing and the heap is sound. */
    static void assertConsistent(OrderedLongMap map, MappedHeap heap) {
        MapCheckReport report = map.check();
        assertThat(report.ok()).as("%s", report).isTrue();
        assertThat(heap.check().ok()).as("heap check: %s", heap.check()).isTrue();
    }

    /** @return every key in ascending order, walked with a cursor */
    static List<Long> keys(OrderedLongMap map) {
        List<Long> keys = new ArrayList<>();
        MapCursor c = map.cursor();
        for (boolean on = c.seekFirst(); on; on = c.next()) {
            keys.add(c.key());
        }
        return keys;
    }
}
