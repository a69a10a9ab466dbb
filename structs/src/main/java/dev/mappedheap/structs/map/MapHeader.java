// Structs layer, map: the header block, created, validated on open, and its three changing words.
package dev.mappedheap.structs.map;

import static dev.mappedheap.structs.map.MapHeaderLayout.*;

import dev.mappedheap.allocator.InvalidOffsetException;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.HeapWriter;

/**
 * A flyweight over one map's header block ({@link MapHeaderLayout}). {@link #open} checks every field once;
 * the changing words ({@code root}, {@code height}, {@code size}) are read from the file on every call, not
 * cached, so a rollback of the file by a later transaction layer can never leave a stale copy here, and are
 * checked again on every read because the file may change under us.
 */
final class MapHeader {
    private final MappedHeap heap;
    private final HeapWriter writer;
    private final long offset;
    private final NodeGeometry geometry;

    private MapHeader(MappedHeap heap, HeapWriter writer, long offset, NodeGeometry geometry) {
        this.heap = heap;
        this.writer = writer;
        this.offset = offset;
        this.geometry = geometry;
    }

    /**
     * Allocates and writes a header and an empty root leaf; the magic is written last, so a header that was
     * never finished does not open.
     */
    static MapHeader create(MappedHeap heap, HeapWriter writer, int valueWidth, int nodeSize) {
        checkGeometry(valueWidth, nodeSize);
        NodeGeometry geometry = new NodeGeometry(nodeSize, valueWidth);
        long offset = writer.allocate(HEADER_LENGTH);
        long versionAndLength = FORMAT_VERSION | ((long) HEADER_LENGTH << 32);
        long geometryWord = valueWidth | ((long) nodeSize << 32);
        long capacities = geometry.leafCapacity | ((long) geometry.branchCapacity << 32);
        writer.writeLong(offset + FORMAT_VERSION_OFFSET, versionAndLength);
        writer.writeLong(offset + VALUE_WIDTH_OFFSET, geometryWord);
        writer.writeLong(offset + LEAF_CAPACITY_OFFSET, capacities);
        writer.writeLong(offset + HEADER_CHECKSUM_OFFSET, checksum(MAGIC, versionAndLength, geometryWord, capacities));
        for (int word = LOCK_WORD_OFFSET; word < HEADER_LENGTH; word += Long.BYTES) {
            writer.writeLong(offset + word, 0);
        }
        MapHeader header = new MapHeader(heap, writer, offset, geometry);
        NodeWriter nodes = new NodeWriter(writer, new NodeReader(heap, geometry), null);
        header.setRoot(nodes.newNode(0));
        header.setHeight(1);
        writer.writeLong(offset + MAGIC_OFFSET, MAGIC);
        return header;
    }

    /**
     * Validates the header at {@code offset}: a live block big enough, magic, version, header length,
     * checksum, geometry, and the root node's tag and level.
     *
     * @throws MapFormatException if the block is not a map this version reads
     * @throws MapCorruptedException if it is one whose header contradicts itself
     */
    static MapHeader open(MappedHeap heap, HeapWriter writer, long offset) {
        long usable;
        try {
            usable = heap.usableSize(offset);
        } catch (InvalidOffsetException e) {
            throw new MapFormatException("no map header here: headerOffset=" + offset
                    + " is not a live heap block (" + e.getMessage() + ")", e);
        }
        if (usable < HEADER_LENGTH) {
            throw new MapFormatException("block too small for a map header: headerOffset=" + offset
                    + " expectedSize>=" + HEADER_LENGTH + " foundSize=" + usable);
        }
        long magic = heap.readLong(offset + MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new MapFormatException("not an ordered map: headerOffset=" + offset + " expectedMagic=0x"
                    + Long.toHexString(MAGIC) + " foundMagic=0x" + Long.toHexString(magic));
        }
        int version = heap.readInt(offset + FORMAT_VERSION_OFFSET);
        if (version != FORMAT_VERSION) {
            throw new MapFormatException("unsupported map format version: headerOffset=" + offset
                    + " expectedVersion=" + FORMAT_VERSION + " foundVersion=" + version);
        }
        int length = heap.readInt(offset + HEADER_LENGTH_OFFSET);
        if (length != HEADER_LENGTH) {
            throw new MapFormatException("map header length mismatch: headerOffset=" + offset
                    + " expectedLength=" + HEADER_LENGTH + " foundLength=" + length);
        }
        long stored = heap.readLong(offset + HEADER_CHECKSUM_OFFSET);
        long computed = checksum(magic, heap.readLong(offset + 8), heap.readLong(offset + 16), heap.readLong(offset + 24));
        if (stored != computed) {
            throw new MapCorruptedException("map header checksum mismatch: headerOffset=" + offset
                    + " stored=0x" + Long.toHexString(stored) + " computed=0x" + Long.toHexString(computed));
        }
        int valueWidth = heap.readInt(offset + VALUE_WIDTH_OFFSET);
        int nodeSize = heap.readInt(offset + NODE_SIZE_OFFSET);
        try {
            checkGeometry(valueWidth, nodeSize);
        } catch (IllegalArgumentException e) {
            throw new MapCorruptedException("map header geometry invalid: headerOffset=" + offset + ": " + e.getMessage(), e);
        }
        NodeGeometry geometry = new NodeGeometry(nodeSize, valueWidth);
        int leafCapacity = heap.readInt(offset + LEAF_CAPACITY_OFFSET);
        int branchCapacity = heap.readInt(offset + BRANCH_CAPACITY_OFFSET);
        if (leafCapacity != geometry.leafCapacity || branchCapacity != geometry.branchCapacity) {
            throw new MapFormatException("map node capacities differ from this version's layout: headerOffset="
                    + offset + " expected leafCapacity=" + geometry.leafCapacity + " branchCapacity="
                    + geometry.branchCapacity + " found leafCapacity=" + leafCapacity + " branchCapacity=" + branchCapacity);
        }
        MapHeader header = new MapHeader(heap, writer, offset, geometry);
        header.size();
        new NodeReader(heap, geometry).count(header.root(), header.height() - 1);
        return header;
    }

    long offset() {
        return offset;
    }

    NodeGeometry geometry() {
        return geometry;
    }

    /** @throws MapCorruptedException if the stored root is not a plausible block offset */
    long root() {
        long root = heap.readLong(offset + ROOT_OFFSET);
        if (root <= 0 || (root & 15) != 0) {
            throw new MapCorruptedException("map root is not a heap block: headerOffset=" + offset + " root=" + root);
        }
        return root;
    }

    /** @throws MapCorruptedException if the stored height is outside 1..{@link MapHeaderLayout#MAX_HEIGHT} */
    int height() {
        int height = heap.readInt(offset + HEIGHT_OFFSET);
        if (height < 1 || height > MAX_HEIGHT) {
            throw new MapCorruptedException("map height out of range: headerOffset=" + offset + " height="
                    + height + " allowed=1.." + MAX_HEIGHT);
        }
        return height;
    }

    /** @throws MapCorruptedException if the stored size is negative */
    long size() {
        long size = heap.readLong(offset + SIZE_OFFSET);
        if (size < 0) {
            throw new MapCorruptedException("map size negative: headerOffset=" + offset + " size=" + size);
        }
        return size;
    }

    /** @return the count of node allocations and frees so far (a leaf index built at another count is stale) */
    long structureVersion() {
        return heap.readLong(offset + STRUCTURE_VERSION_OFFSET);
    }

    /** Moves the structure version on: a node is about to be allocated or freed. */
    void bumpStructureVersion() {
        writer.writeLong(offset + STRUCTURE_VERSION_OFFSET, structureVersion() + 1);
    }

    void setRoot(long root) {
        writer.writeLong(offset + ROOT_OFFSET, root);
    }

    void setHeight(int height) {
        writer.writeInt(offset + HEIGHT_OFFSET, height);
    }

    void setSize(long size) {
        writer.writeLong(offset + SIZE_OFFSET, size);
    }
}
