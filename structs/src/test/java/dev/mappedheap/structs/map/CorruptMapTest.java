package dev.mappedheap.structs.map;

import static dev.mappedheap.structs.map.MapTestSupport.TINY_NODES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.MappedHeap;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged maps and things that are not maps: every open, lookup, walk and check must end in a clear
 * {@link HeapException} (never a loop, a crash, or a wrong answer where the damage is detectable).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CorruptMapTest {
    private static final int KEYS = 400;

    @TempDir
    Path dir;
    MappedHeap heap;
    OrderedLongMap map;
    NodeGeometry geometry;

    @BeforeEach
    void buildTallMap() {
        heap = MapTestSupport.newHeap(dir);
        map = OrderedLongMap.create(heap, 8, TINY_NODES);
        for (long k = 0; k < KEYS; k++) {
            map.put(k, k);
        }
        assertThat(map.height()).isGreaterThanOrEqualTo(4);
        geometry = new NodeGeometry(TINY_NODES, 8);
    }

    @AfterEach
    void closeHeap() {
        heap.close();
    }

    private long header(int field) {
        return map.headerOffset() + field;
    }

    private long root() {
        return heap.readLong(header(MapHeaderLayout.ROOT_OFFSET));
    }

    /** @return the first leaf, by following child 0 from the root */
    private long firstLeaf() {
        long node = root();
        for (int level = map.height() - 1; level > 0; level--) {
            node = heap.readLong(geometry.child(node, 0));
        }
        return node;
    }

    @Test
    void openRefusesABlockWithoutTheMagic() {
        long block = heap.allocate(256);
        heap.writeLong(block, 0x1234_5678L);
        assertThatThrownBy(() -> OrderedLongMap.open(heap, block)).isInstanceOf(MapFormatException.class)
                .hasMessageContaining("not an ordered map").hasMessageContaining("expectedMagic=0x")
                .hasMessageContaining("foundMagic=0x12345678");
    }

    @Test
    void openRefusesAnOffsetThatIsNoBlock() {
        assertThatThrownBy(() -> OrderedLongMap.open(heap, map.headerOffset() + 8))
                .isInstanceOf(MapFormatException.class).hasMessageContaining("not a live heap block");
        assertThatThrownBy(() -> OrderedLongMap.open(heap, 1L << 50)).isInstanceOf(MapFormatException.class);
    }

    @Test
    void openRefusesABlockTooSmallForAHeader() {
        long block = heap.allocate(48);
        assertThatThrownBy(() -> OrderedLongMap.open(heap, block)).isInstanceOf(MapFormatException.class)
                .hasMessageContaining("expectedSize>=128").hasMessageContaining("foundSize=48");
    }

    @Test
    void openRefusesAnotherFormatVersion() {
        heap.writeInt(header(MapHeaderLayout.FORMAT_VERSION_OFFSET), 2);
        assertThatThrownBy(() -> OrderedLongMap.open(heap, map.headerOffset())).isInstanceOf(MapFormatException.class)
                .hasMessageContaining("expectedVersion=1 foundVersion=2");
    }

    @Test
    void openRefusesAChangedGeometryByItsChecksum() {
        heap.writeInt(header(MapHeaderLayout.NODE_SIZE_OFFSET), 4096);
        assertThatThrownBy(() -> OrderedLongMap.open(heap, map.headerOffset()))
                .isInstanceOf(MapCorruptedException.class).hasMessageContaining("checksum mismatch");
    }

    @Test
    void openRefusesAnImpossibleHeight() {
        heap.writeInt(header(MapHeaderLayout.HEIGHT_OFFSET), 1000);
        assertThatThrownBy(() -> OrderedLongMap.open(heap, map.headerOffset()))
                .isInstanceOf(MapCorruptedException.class).hasMessageContaining("height=1000 allowed=1..64");
        heap.writeInt(header(MapHeaderLayout.HEIGHT_OFFSET), 2); // the root is not a level-1 node
        assertThatThrownBy(() -> OrderedLongMap.open(heap, map.headerOffset()))
                .isInstanceOf(MapCorruptedException.class).hasMessageContaining("expectedLevel=1");
    }

    @Test
    void aLeafCountBeyondItsCapacityIsReportedNotTrusted() {
        long leaf = firstLeaf();
        heap.writeInt(leaf + NodeLayout.COUNT_OFFSET, 1000);
        assertThatThrownBy(() -> map.get(0, -1)).isInstanceOf(MapCorruptedException.class)
                .hasMessageContaining("count=1000 allowed=0..6");
        assertThatThrownBy(() -> map.put(1, 1)).isInstanceOf(MapCorruptedException.class);
        assertThatThrownBy(() -> map.cursor().seekFirst()).isInstanceOf(MapCorruptedException.class);
        assertThat(map.check().problems()).anySatisfy(p -> assertThat(p).contains("count=1000"));
        assertThatThrownBy(() -> map.check().orThrow()).isInstanceOf(MapCorruptedException.class);
    }

    @Test
    void aDamagedTagIsReported() {
        long leaf = firstLeaf();
        heap.writeInt(leaf + NodeLayout.TAG_OFFSET, 0xBAD);
        assertThatThrownBy(() -> map.get(0, -1)).isInstanceOf(MapCorruptedException.class)
                .hasMessageContaining("foundTag=0xbad");
        assertThat(map.get(KEYS - 1, -1)).as("other leaves still answer").isEqualTo(KEYS - 1);
        assertThat(map.check().ok()).isFalse();
    }

    @Test
    void aChildPointerOutsideTheHeapIsReported() {
        heap.writeLong(geometry.child(root(), 0), 1L << 40);
        assertThatThrownBy(() -> map.get(0, -1)).isInstanceOf(MapCorruptedException.class)
                .hasMessageContaining("outside the heap");
        assertThatThrownBy(() -> map.rank(0)).isInstanceOf(MapCorruptedException.class);
        assertThat(map.check().problems()).isNotEmpty();
    }

    @Test
    void aChildPointerBackToTheRootCannotLoop() {
        long root = root();
        heap.writeLong(geometry.child(root, 0), root);
        assertThatThrownBy(() -> map.get(0, -1)).isInstanceOf(MapCorruptedException.class)
                .hasMessageContaining("level");
        assertThatThrownBy(() -> map.remove(0)).isInstanceOf(MapCorruptedException.class);
        assertThat(map.check().problems()).isNotEmpty();
    }

    @Test
    void aChildPointerIntoTheMiddleOfABlockIsReported() {
        heap.writeLong(geometry.child(root(), 0), map.headerOffset() + 16);
        assertThatThrownBy(() -> map.get(0, -1)).isInstanceOf(MapCorruptedException.class);
        heap.writeLong(geometry.child(root(), 0), map.headerOffset() + 8);
        assertThatThrownBy(() -> map.get(0, -1)).isInstanceOf(MapCorruptedException.class)
                .hasMessageContaining("not a heap block");
    }

    @Test
    void aLoopInTheLeafChainEndsTheWalk() {
        long first = firstLeaf();
        long second = heap.readLong(first + NodeLayout.NEXT_OFFSET);
        heap.writeLong(second + NodeLayout.NEXT_OFFSET, first);
        MapCursor c = map.cursor();
        assertThatThrownBy(() -> {
            for (boolean on = c.seekFirst(); on; on = c.next()) {
                c.key();
            }
        }).isInstanceOf(MapCorruptedException.class).hasMessageContaining("leaf chain is longer than the map");
        assertThat(map.check().problems()).anySatisfy(p -> assertThat(p).contains("leaf chain differs"));
    }

    @Test
    void wrongSubtreeCountsAndUnsortedKeysAreFoundByCheck() {
        long root = root();
        heap.writeLong(geometry.subtreeCount(root, 0), 3);
        assertThatThrownBy(() -> map.rank(0)).isInstanceOf(MapCorruptedException.class)
                .hasMessageContaining("subtree counts do not add up");
        long leaf = firstLeaf();
        heap.writeLong(geometry.leafKey(leaf, 1), -5);
        MapCheckReport report = map.check();
        assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("subtree count wrong"));
        assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("leaf keys not ascending"));
        assertThat(report.toString()).contains("problems");
    }

    @Test
    void aWrongSizeIsFoundByCheckAndBoundsSelect() {
        heap.writeLong(header(MapHeaderLayout.SIZE_OFFSET), KEYS + 10);
        assertThat(map.check().problems()).anySatisfy(p -> assertThat(p).contains("size=410 entries=400"));
        assertThatThrownBy(() -> map.select(KEYS + 5)).isInstanceOf(MapCorruptedException.class)
                .hasMessageContaining("subtree counts do not add up");
        assertThatThrownBy(() -> map.select(5)).isInstanceOf(MapCorruptedException.class)
                .hasMessageContaining("countFromParent=410 countsInNode=400");
        assertThatThrownBy(() -> map.rank(5)).isInstanceOf(MapCorruptedException.class)
                .hasMessageContaining("countFromParent=410 countsInNode=400");
        heap.writeLong(header(MapHeaderLayout.SIZE_OFFSET), -1);
        assertThatThrownBy(map::size).isInstanceOf(MapCorruptedException.class).hasMessageContaining("size=-1");
    }
}
