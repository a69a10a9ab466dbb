// Structs layer, map format: the map header block, the one offset a map is found by.
package dev.mappedheap.structs.map;

import dev.mappedheap.structs.HeaderChecksum;
import dev.mappedheap.structs.HeapWriter;

/**
 * Format of an {@link OrderedLongMap}'s header: one heap block of {@link #HEADER_LENGTH} bytes. All integers
 * are little-endian; offsets are relative to the block's start.
 *
 * <pre>
 *  offset  size  field            written
 *  ------  ----  ---------------  ------------------------------------------------------------------
 *       0     8  magic            at create, last: bytes 'M' 'H' 'O' 'M' 'A' 'P' 0x0D 0x0A
 *       8     4  formatVersion    at create: {@link #FORMAT_VERSION}
 *      12     4  headerLength     at create: {@link #HEADER_LENGTH}
 *      16     4  valueWidth       at create: bytes of each inline value, 1..{@link #MAX_VALUE_WIDTH}
 *      20     4  nodeSize         at create: bytes of every node, {@link #MIN_NODE_SIZE}..{@link #MAX_NODE_SIZE}
 *      24     4  leafCapacity     at create: entries per leaf, derived from nodeSize and valueWidth
 *      28     4  branchCapacity   at create: children per branch node, derived from nodeSize
 *      32     8  headerChecksum   at create: FNV-1a 64 of bytes 0..31
 *      40     8  lockWord         reserved for the map's lock (later work); 0, never written in version 1
 *      48     8  modCount         reserved for optimistic readers (later work); 0, never written in version 1
 *      56     8  root             offset of the root node (a leaf when height is 1); never 0
 *      64     4  height           levels of nodes, 1..{@link #MAX_HEIGHT}; leaves are level 0
 *      68     4  (reserved, zero)
 *      72     8  size             number of entries
 *      80    48  (reserved, zero)
 * </pre>
 *
 * <p>Bytes 0..39 never change after create. {@code root}, {@code height} and {@code size} change with
 * every structural mutation, through the map's {@link HeapWriter}.
 */
public final class MapHeaderLayout {
    /** The magic bytes {@code MHOMAP\r\n} read as a little-endian long. */
    public static final long MAGIC = 0x0A0D50414D4F484DL;
    /** The only format version this code reads and writes. */
    public static final int FORMAT_VERSION = 1;
    /** Bytes of the header block. */
    public static final int HEADER_LENGTH = 128;

    public static final int MAGIC_OFFSET = 0;
    public static final int FORMAT_VERSION_OFFSET = 8;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int VALUE_WIDTH_OFFSET = 16;
    public static final int NODE_SIZE_OFFSET = 20;
    public static final int LEAF_CAPACITY_OFFSET = 24;
    public static final int BRANCH_CAPACITY_OFFSET = 28;
    public static final int HEADER_CHECKSUM_OFFSET = 32;
    /** Bytes covered by the header checksum: everything before it. */
    public static final int CHECKSUMMED_LENGTH = HEADER_CHECKSUM_OFFSET;
    public static final int LOCK_WORD_OFFSET = 40;
    public static final int MOD_COUNT_OFFSET = 48;
    public static final int ROOT_OFFSET = 56;
    public static final int HEIGHT_OFFSET = 64;
    public static final int SIZE_OFFSET = 72;

    /** Widest inline value; a node must still hold {@link NodeLayout#MIN_CAPACITY} of them. */
    public static final int MAX_VALUE_WIDTH = 16 * 1024;
    public static final int MIN_NODE_SIZE = 128;
    public static final int MAX_NODE_SIZE = 64 * 1024;
    /**
     * Tallest tree accepted. Every branch but the root holds at least 2 children, so 64 levels is more than
     * 2^63 entries; anything taller is corruption, and every walk is bounded by it.
     */
    public static final int MAX_HEIGHT = 64;


    private MapHeaderLayout() {}

    /**
     * FNV-1a 64 over the header's first {@link #CHECKSUMMED_LENGTH} bytes, given as their four words (the
     * bytes taken in little-endian order, so the result is the same as over the raw bytes).
     */
    public static long checksum(long word0, long word1, long word2, long word3) {
        return HeaderChecksum.of(word0, word1, word2, word3);
    }

    /**
     * Checks the creation parameters.
     *
     * @throws IllegalArgumentException naming the value and the allowed range
     */
    public static void checkGeometry(int valueWidth, int nodeSize) {
        if (valueWidth < 1 || valueWidth > MAX_VALUE_WIDTH) {
            throw new IllegalArgumentException("valueWidth out of range: valueWidth=" + valueWidth
                    + " allowed=1.." + MAX_VALUE_WIDTH);
        }
        if (nodeSize < MIN_NODE_SIZE || nodeSize > MAX_NODE_SIZE || nodeSize % 64 != 0) {
            throw new IllegalArgumentException("nodeSize must be a multiple of 64 in " + MIN_NODE_SIZE + ".."
                    + MAX_NODE_SIZE + ": nodeSize=" + nodeSize);
        }
        if (NodeLayout.leafCapacity(nodeSize, valueWidth) < NodeLayout.MIN_CAPACITY) {
            throw new IllegalArgumentException("nodeSize too small for valueWidth: a leaf must hold at least "
                    + NodeLayout.MIN_CAPACITY + " entries: nodeSize=" + nodeSize + " valueWidth=" + valueWidth
                    + " leafCapacity=" + NodeLayout.leafCapacity(nodeSize, valueWidth));
        }
    }
}
