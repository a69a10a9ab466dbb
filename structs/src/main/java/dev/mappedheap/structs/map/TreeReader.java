// Structs layer, map: the read-only descents (by key, by index, to either end) and rank.
package dev.mappedheap.structs.map;

/**
 * Root-to-leaf walks that change nothing. Each walk takes exactly {@code height - 1} steps down, checking
 * every node it enters, so a damaged file ends in an exception rather than a loop. Stateless: callers pass
 * the {@link LeafPosition} to fill, so concurrent readers (with no writer) do not share anything.
 */
final class TreeReader {
    /** What {@link #fromIndex} returns when the leaf the index points at does not settle the lookup. */
    private static final long UNSETTLED = -2;

    private final NodeReader nodes;
    private final MapHeader header;
    /** Whether lookups build the leaf index themselves (false when a caller builds it under its own checks). */
    private final boolean buildsIndex;
    /** The current leaf index, or null; immutable, replaced whole. */
    private LeafIndex index;
    /** Lookups since the index went stale: a heuristic, so racing readers may lose counts harmlessly. */
    private long lookupsWithoutIndex;

    TreeReader(NodeReader nodes, MapHeader header, boolean buildsIndex) {
        this.nodes = nodes;
        this.header = header;
        this.buildsIndex = buildsIndex;
    }

    /**
     * @return the offset of {@code key}'s value, or {@link OrderedLongMap#ABSENT}: through the leaf index when
     *     it is current and settles the question, else by a walk from the root
     */
    long valueOffset(long key) {
        LeafIndex current = index;
        if (current != null && current.structureVersion == header.structureVersion()) {
            long at = fromIndex(current, key);
            if (at != UNSETTLED) {
                return at;
            }
        } else if (++lookupsWithoutIndex >= indexThreshold() && buildsIndex) {
            installIndex(LeafIndex.build(nodes, header, this));
        }
        return walkToValue(key);
    }

    /**
     * @return true once enough lookups went without a current index to pay for building one: a sixteenth of
     *     the entries (a build reads one word per leaf, about one per 40 entries)
     */
    boolean indexWanted() {
        return lookupsWithoutIndex >= indexThreshold();
    }

    private long indexThreshold() {
        return Math.max(256, header.size() >>> 4);
    }

    /** @return true if lookups have a leaf index for the map as it is now */
    boolean hasCurrentIndex() {
        LeafIndex current = index;
        return current != null && current.structureVersion == header.structureVersion();
    }

    /** Makes {@code built} (or none, if null) the index lookups use. */
    void installIndex(LeafIndex built) {
        index = built;
        lookupsWithoutIndex = 0;
    }

    private long fromIndex(LeafIndex current, long key) {
        long leaf = current.leafFor(key);
        int count = nodes.count(leaf, 0);
        int slot = nodes.lowerBound(leaf, count, key);
        if (slot < count) {
            if (nodes.leafKey(leaf, slot) == key) {
                return nodes.geometry.value(leaf, slot);
            }
            if (slot > 0) {
                return OrderedLongMap.ABSENT; // strictly between two keys of one leaf: in no leaf at all
            }
        }
        return UNSETTLED;
    }

    private long walkToValue(long key) {
        int height = header.height();
        long node = header.root();
        long count = height == 1 ? header.size() : -1;
        for (int level = height - 1; level > 0; level--) {
            int children = nodes.count(node, level);
            int child = nodes.childIndex(node, children, key);
            count = nodes.subtreeCount(node, child);
            node = nodes.child(node, child);
        }
        // a leaf's count is its subtree count in the parent (the root leaf's, the size): search with that,
        // check the leaf alongside
        int slot = nodes.lowerBoundChecked(node, count, key);
        return slot < count && nodes.leafKey(node, slot) == key ? nodes.geometry.value(node, slot) : OrderedLongMap.ABSENT;
    }

    /** Fills {@code at} with the leaf whose range holds {@code key} and the first slot whose key is {@code >= key}. */
    void seekKey(long key, LeafPosition at) {
        long node = leafFor(key);
        at.leaf = node;
        at.count = nodes.count(node, 0);
        at.slot = nodes.lowerBound(node, at.count, key);
    }

    /** Fills {@code at} with the first slot of the first leaf, or the last slot of the last leaf. */
    void seekEdge(boolean last, LeafPosition at) {
        int height = header.height();
        long node = header.root();
        for (int level = height - 1; level > 0; level--) {
            int count = nodes.count(node, level);
            node = nodes.child(node, last ? count - 1 : 0);
        }
        at.leaf = node;
        at.count = nodes.count(node, 0);
        at.slot = last ? at.count - 1 : 0;
    }

    /**
     * Fills {@code at} with the entry of rank {@code index}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < size}
     * @throws MapCorruptedException if a branch's subtree counts do not add up to its parent's count for it
     */
    void seekIndex(long index, LeafPosition at) {
        long total = header.size();
        if (index < 0 || index >= total) {
            throw new IndexOutOfBoundsException("index out of range: index=" + index + " size=" + total);
        }
        int height = header.height();
        long node = header.root();
        long rest = index;
        for (int level = height - 1; level > 0; level--) {
            int count = nodes.count(node, level);
            int child = -1;
            long sum = 0;
            for (int i = 0; i < count; i++) {
                long sub = nodes.subtreeCount(node, i);
                if (child < 0 && rest < sum + sub) {
                    child = i;
                    rest -= sum;
                }
                sum += sub;
            }
            if (sum != total || child < 0) {
                throw countsDisagree(node, level, total, sum);
            }
            total = nodes.subtreeCount(node, child);
            node = nodes.child(node, child);
        }
        at.leaf = node;
        at.count = nodes.count(node, 0);
        if (at.count != total) {
            throw countsDisagree(node, 0, total, at.count);
        }
        at.slot = (int) rest;
    }

    /**
     * @return the number of keys below {@code key}
     * @throws MapCorruptedException if a branch's subtree counts do not add up to its parent's count for it
     */
    long rank(long key) {
        long total = header.size();
        int height = header.height();
        long node = header.root();
        long rank = 0;
        for (int level = height - 1; level > 0; level--) {
            int count = nodes.count(node, level);
            int child = nodes.childIndex(node, count, key);
            // all counts are added, not just those before the child, so every level is checked against its parent
            long before = 0;
            long sum = 0;
            for (int i = 0; i < count; i++) {
                if (i == child) {
                    before = sum;
                }
                sum += nodes.subtreeCount(node, i);
            }
            if (sum != total) {
                throw countsDisagree(node, level, total, sum);
            }
            rank += before;
            total = nodes.subtreeCount(node, child);
            node = nodes.child(node, child);
        }
        return rank + nodes.lowerBoundChecked(node, total, key);
    }

    /** @return the leaf whose key range holds {@code key}, its count not yet checked */
    private long leafFor(long key) {
        int height = header.height();
        long node = header.root();
        for (int level = height - 1; level > 0; level--) {
            int count = nodes.count(node, level);
            node = nodes.child(node, nodes.childIndex(node, count, key));
        }
        return node;
    }

    private static MapCorruptedException countsDisagree(long node, int level, long expected, long found) {
        return new MapCorruptedException("map subtree counts do not add up: node=" + node + " level=" + level
                + " countFromParent=" + expected + " countsInNode=" + found);
    }
}
