// Structs layer, map: where each field of a node sits, for one map's node size and value width.
package dev.mappedheap.structs.map;

/**
 * A map's node sizes and the offset arithmetic of {@link NodeLayout}: capacities, minimum fills and the
 * position of every key, value, child and subtree count. Immutable; the fields are read on every access.
 */
final class NodeGeometry {
    final int nodeSize;
    final int valueWidth;
    final int leafCapacity;
    final int branchCapacity;
    /** Fewest entries a leaf other than the root may hold. */
    final int minLeaf;
    /** Fewest children a branch other than the root may hold. */
    final int minBranch;
    /** Bytes of a leaf entry: its key, then its value. */
    final int entrySize;
    private final long childrenStart;
    private final long countsStart;

    NodeGeometry(int nodeSize, int valueWidth) {
        this.nodeSize = nodeSize;
        this.valueWidth = valueWidth;
        this.leafCapacity = NodeLayout.leafCapacity(nodeSize, valueWidth);
        this.branchCapacity = NodeLayout.branchCapacity(nodeSize);
        this.minLeaf = leafCapacity / 2;
        this.minBranch = branchCapacity / 2;
        this.entrySize = Long.BYTES + valueWidth;
        this.childrenStart = NodeLayout.KEYS_OFFSET + (long) Long.BYTES * branchCapacity;
        this.countsStart = childrenStart + (long) Long.BYTES * branchCapacity;
    }

    long branchKey(long branch, int i) {
        return branch + NodeLayout.KEYS_OFFSET + ((long) i << 3);
    }

    long leafKey(long leaf, int i) {
        return leaf + NodeLayout.ENTRIES_OFFSET + (long) entrySize * i;
    }

    long value(long leaf, int i) {
        return leafKey(leaf, i) + Long.BYTES;
    }

    long child(long branch, int i) {
        return branch + childrenStart + ((long) i << 3);
    }

    long subtreeCount(long branch, int i) {
        return branch + countsStart + ((long) i << 3);
    }

    int capacity(int level) {
        return level == 0 ? leafCapacity : branchCapacity;
    }

    int minFill(int level) {
        return level == 0 ? minLeaf : minBranch;
    }

    @Override
    public String toString() {
        return "nodeSize=" + nodeSize + " valueWidth=" + valueWidth + " leafCapacity=" + leafCapacity
                + " branchCapacity=" + branchCapacity;
    }
}
