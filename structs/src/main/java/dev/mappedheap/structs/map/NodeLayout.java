// Structs layer, map format: the node blocks of the counted B+-tree.
package dev.mappedheap.structs.map;

/**
 * Format of a node of an {@link OrderedLongMap}: one heap block of the map's {@code nodeSize} bytes. All
 * integers are little-endian; offsets are relative to the node's start. {@code cap} is the map's
 * {@code leafCapacity} for leaves and {@code branchCapacity} for branches.
 *
 * <pre>
 *  offset          size      field
 *  --------------  --------  ------------------------------------------------------------------------
 *       0          4         tag         {@link #TAG}: 'M' 'H' 'N' 'D'
 *       4          4         level       0 for a leaf; a branch's children are one level lower
 *       8          4         count       leaf: entries, 0..cap (0 only in a root leaf);
 *                                        branch: children, 2..cap
 *      12          4         (reserved, zero)
 *      16          8         prev        leaf: previous leaf in key order, 0 for the first; branch: 0
 *      24          8         next        leaf: next leaf in key order, 0 for the last; branch: 0
 *  leaf:
 *      32          (8+W)*cap entries[cap] entry i at 32 + (8+W)*i: its key (8 bytes), then its value
 *                                        (W = valueWidth bytes); keys strictly ascending over [0, count)
 *  branch:
 *      32          8*cap     keys[cap]   keys[i] for 1 <= i < count is the separator before child i
 *                                        (every key in child i-1 is below it, every key in child i is at
 *                                        least it); keys[0] is ignored (left as it was)
 *      32+8*cap    8*cap     children[cap]  node offsets
 *      32+16*cap   8*cap     counts[cap]    entries in the subtree under children[i]
 * </pre>
 *
 * <p>A leaf keeps each value next to its key, so the cache line that settles a search also holds the value:
 * a lookup in a leaf that is not in cache costs one memory round trip for the keys (read in parallel, see
 * {@code NodeReader}) and none more for the value. A branch keeps its keys alone, so its search touches only
 * them, and one subtree count per child, so an insert or remove changes one word per level and
 * {@code rank}/{@code select} add counts while descending.
 */
public final class NodeLayout {
    /** The bytes {@code MHND} read as a little-endian int. */
    public static final int TAG = 0x444E484D;

    public static final int TAG_OFFSET = 0;
    public static final int LEVEL_OFFSET = 4;
    public static final int COUNT_OFFSET = 8;
    public static final int PREV_OFFSET = 16;
    public static final int NEXT_OFFSET = 24;
    /** Where a branch's keys start. */
    public static final int KEYS_OFFSET = 32;
    /** Where a leaf's entries start. */
    public static final int ENTRIES_OFFSET = 32;
    /** Bytes of a branch per child: a key, a child offset and a subtree count. */
    public static final int BRANCH_SLOT = 24;
    /** Smallest capacity of a leaf or branch: splits and merges need room for two halves of at least 2. */
    public static final int MIN_CAPACITY = 4;

    private NodeLayout() {}

    /** @return entries a leaf of {@code nodeSize} bytes holds with values of {@code valueWidth} bytes */
    public static int leafCapacity(int nodeSize, int valueWidth) {
        return (nodeSize - KEYS_OFFSET) / (Long.BYTES + valueWidth);
    }

    /** @return children a branch node of {@code nodeSize} bytes holds */
    public static int branchCapacity(int nodeSize) {
        return (nodeSize - KEYS_OFFSET) / BRANCH_SLOT;
    }

    /** @return the first 8 bytes of a node (tag, then level) as one little-endian word */
    public static long tagAndLevel(int level) {
        return (TAG & 0xFFFF_FFFFL) | ((long) level << 32);
    }
}
