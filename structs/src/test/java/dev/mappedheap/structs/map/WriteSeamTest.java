package dev.mappedheap.structs.map;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.HeapWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transaction seam: every byte the map changes in its blocks lies in a range written through its
 * {@link HeapWriter}, every block it gains or loses was allocated or freed through it, and a mutation writes
 * bytes in proportion to the change (one node's shift, a few words per level), not the tree.
 */
class WriteSeamTest {
    @TempDir
    Path dir;
    MappedHeap heap;
    RecordingWriter writer;

    @BeforeEach
    void openHeap() {
        heap = MapTestSupport.newHeap(dir);
        writer = new RecordingWriter(HeapWriter.direct(heap));
    }

    @AfterEach
    void closeHeap() {
        heap.close();
    }

    @Test
    void everyChangedByteWasWrittenThroughTheWriter() {
        OrderedLongMap map = OrderedLongMap.create(heap, writer, 8, MapTestSupport.TINY_NODES);
        TreeMap<Long, Long> model = new TreeMap<>();
        SplittableRandom random = new SplittableRandom(11);
        for (int step = 0; step < 1500; step++) {
            long key = random.nextInt(300);
            Map<Long, byte[]> before = snapshot(map);
            writer.reset();
            if (random.nextInt(100) < (step < 700 ? 70 : 25)) {
                map.put(key, step);
                model.put(key, (long) step);
            } else {
                assertThat(map.remove(key)).isEqualTo(model.remove(key) != null);
            }
            Map<Long, byte[]> after = snapshot(map);
            String where = "step " + step + " key " + key;
            for (Map.Entry<Long, byte[]> block : after.entrySet()) {
                byte[] old = before.get(block.getKey());
                if (old == null) {
                    assertThat(writer.allocated).as("%s: new block %d", where, block.getKey()).contains(block.getKey());
                    continue;
                }
                for (int i = 0; i < old.length; i++) {
                    if (old[i] != block.getValue()[i]) {
                        long at = block.getKey() + i;
                        assertThat(writer.covers(at)).as("%s: byte %d changed outside the writer", where, at).isTrue();
                    }
                }
            }
            for (long gone : before.keySet()) {
                if (!after.containsKey(gone)) {
                    assertThat(writer.freed).as("%s: block %d dropped without a free", where, gone).contains(gone);
                }
            }
            assertThat(after.keySet()).as("%s: allocated blocks are in the tree", where).containsAll(writer.allocated);
        }
        assertThat(map.check().ok()).isTrue();
    }

    @Test
    void writesAreProportionalToTheChange() {
        OrderedLongMap map = OrderedLongMap.create(heap, writer, 8, 4096);
        SplittableRandom random = new SplittableRandom(5);
        int height = 0;
        long plainInserts = 0;
        long plainInsertBytes = 0;
        for (int i = 0; i < 20_000; i++) {
            writer.reset();
            map.put(random.nextLong(), i);
            height = map.height();
            if (writer.allocated.isEmpty()) {
                // no split: one leaf's tail shifted (keys and values), key, value, count, a count per level, size
                assertThat(writer.bytes).isLessThanOrEqualTo(map.nodeSize() + 8L * height + 32);
                plainInserts++;
                plainInsertBytes += writer.bytes;
            }
        }
        assertThat(height).isGreaterThanOrEqualTo(2);
        // on average half a leaf is shifted, far below a node per insert
        assertThat(plainInsertBytes / plainInserts).isLessThan(map.nodeSize() / 2);

        long key = map.select(12_345);
        writer.reset();
        assertThat(map.put(key, 7)).isFalse();
        assertThat(writer.bytes).as("a replacement writes just the value").isEqualTo(8);
        assertThat(writer.ranges).hasSize(1);

        writer.reset();
        map.remove(key);
        if (writer.freed.isEmpty()) {
            assertThat(writer.bytes).isLessThanOrEqualTo(map.nodeSize() + 8L * height + 32);
        }
    }

    /** @return every block of the map (header and nodes) and its bytes */
    private Map<Long, byte[]> snapshot(OrderedLongMap map) {
        Map<Long, byte[]> blocks = new HashMap<>();
        blocks.put(map.headerOffset(), read(map.headerOffset(), MapHeaderLayout.HEADER_LENGTH));
        NodeGeometry geometry = new NodeGeometry(map.nodeSize(), map.valueWidth());
        List<Long> level = new ArrayList<>(List.of(heap.readLong(map.headerOffset() + MapHeaderLayout.ROOT_OFFSET)));
        for (int depth = map.height() - 1; depth >= 0; depth--) {
            List<Long> below = new ArrayList<>();
            for (long node : level) {
                blocks.put(node, read(node, map.nodeSize()));
                if (depth > 0) {
                    int count = heap.readInt(node + NodeLayout.COUNT_OFFSET);
                    for (int i = 0; i < count; i++) {
                        below.add(heap.readLong(geometry.child(node, i)));
                    }
                }
            }
            level = below;
        }
        return blocks;
    }

    private byte[] read(long offset, int length) {
        byte[] bytes = new byte[length];
        heap.read(offset, bytes, 0, length);
        return bytes;
    }

    /** Forwards to a real writer and remembers what was written, allocated and freed. */
    private static final class RecordingWriter implements HeapWriter {
        final HeapWriter target;
        final List<long[]> ranges = new ArrayList<>();
        final Set<Long> allocated = new HashSet<>();
        final Set<Long> freed = new HashSet<>();
        long bytes;

        RecordingWriter(HeapWriter target) {
            this.target = target;
        }

        void reset() {
            ranges.clear();
            allocated.clear();
            freed.clear();
            bytes = 0;
        }

        boolean covers(long offset) {
            return ranges.stream().anyMatch(r -> r[0] <= offset && offset < r[1]);
        }

        private void record(long offset, long length) {
            ranges.add(new long[] {offset, offset + length});
            bytes += length;
        }

        @Override
        public MappedHeap heap() {
            return target.heap();
        }

        @Override
        public void writeByte(long offset, byte value) {
            record(offset, 1);
            target.writeByte(offset, value);
        }

        @Override
        public long reallocate(long offset, long newSize) {
            throw new UnsupportedOperationException("the map never reallocates");
        }

        @Override
        public void writeLong(long offset, long value) {
            record(offset, 8);
            target.writeLong(offset, value);
        }

        @Override
        public void writeInt(long offset, int value) {
            record(offset, 4);
            target.writeInt(offset, value);
        }

        @Override
        public void write(long offset, byte[] src, int from, int length) {
            record(offset, length);
            target.write(offset, src, from, length);
        }

        @Override
        public void copy(long fromOffset, long toOffset, long length) {
            record(toOffset, length);
            target.copy(fromOffset, toOffset, length);
        }

        @Override
        public long allocate(long size) {
            long block = target.allocate(size);
            allocated.add(block);
            return block;
        }

        @Override
        public void free(long offset) {
            freed.add(offset);
            target.free(offset);
        }
    }
}
