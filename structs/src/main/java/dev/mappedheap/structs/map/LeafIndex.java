// Structs layer, map: a process-local index of the leaves, so a get goes to its leaf in one step.
package dev.mappedheap.structs.map;

/**
 * The first key of every leaf, in order, with the leaf's offset: built by one walk of the leaf chain, kept in
 * this process's memory, and valid while the map's {@code structureVersion} (bumped whenever a node is
 * allocated or freed) is the one it was built at. A get then searches this array (in cache) instead of the
 * branch levels (in the file, one cache and TLB miss each on a big map) and enters the file only at the leaf.
 *
 * <p>It is a hint, never trusted for an answer on its own: entries move between leaves without a structural
 * change (an insert below a leaf's first key, a borrow from a sibling), so a key may not be where the index
 * points. The lookup answers only when the leaf it points at settles the question — the key is in it, or
 * lies strictly between two of its keys (leaves hold disjoint, ordered key ranges, so no other leaf can
 * hold it) — and otherwise falls back to the walk from the root. Immutable: safe to publish to other
 * threads through a plain field.
 */
final class LeafIndex {
    final long structureVersion;
    private final long[] firstKeys;
    private final long[] leaves;

    private LeafIndex(long structureVersion, long[] firstKeys, long[] leaves) {
        this.structureVersion = structureVersion;
        this.firstKeys = firstKeys;
        this.leaves = leaves;
    }

    /**
     * Walks the leaf chain from the first leaf (at most {@code size + 1} leaves: every leaf but an empty root
     * holds an entry, so a longer chain is a loop).
     *
     * @return the index, or null for an empty map
     * @throws MapCorruptedException if a leaf fails its checks or the chain is longer than the map can be
     */
    static LeafIndex build(NodeReader nodes, MapHeader header, TreeReader tree) {
        long version = header.structureVersion();
        long size = header.size();
        LeafPosition first = new LeafPosition();
        tree.seekEdge(false, first);
        long[] keys = new long[16];
        long[] offsets = new long[16];
        int leaves = 0;
        for (long leaf = first.leaf; leaf != 0; leaf = nodes.next(leaf)) {
            int count = nodes.count(leaf, 0);
            if (count == 0) {
                return null; // only an empty root leaf is empty
            }
            if (leaves > size) {
                throw new MapCorruptedException("map leaf chain longer than the map's size: headerOffset="
                        + header.offset() + " size=" + size + " leaves>" + leaves);
            }
            if (leaves == keys.length) {
                keys = java.util.Arrays.copyOf(keys, leaves * 2);
                offsets = java.util.Arrays.copyOf(offsets, leaves * 2);
            }
            keys[leaves] = nodes.leafKey(leaf, 0);
            offsets[leaves] = leaf;
            leaves++;
        }
        return new LeafIndex(version, java.util.Arrays.copyOf(keys, leaves), java.util.Arrays.copyOf(offsets, leaves));
    }

    /** @return the leaf whose first key is the greatest {@code <= key} (the first leaf for smaller keys) */
    long leafFor(long key) {
        int low = 0;
        int high = firstKeys.length - 1;
        while (low < high) { // the last i with firstKeys[i] <= key, or 0
            int mid = (low + high + 1) >>> 1;
            if (firstKeys[mid] <= key) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return leaves[low];
    }

    /** @return the number of leaves */
    int leaves() {
        return leaves.length;
    }
}
