// Structs layer, map: reading nodes, every value from the file checked before it is trusted.
package dev.mappedheap.structs.map;

import dev.mappedheap.allocator.InvalidOffsetException;
import dev.mappedheap.allocator.MappedHeap;

/**
 * Validated reads of a map's nodes and the searches inside one node. {@link #count} checks a node's tag,
 * level and count before anything else of the node is read, so a damaged child pointer or count ends in a
 * {@link MapCorruptedException}, never in a read past the node or a wrong branch taken forever. Stateless
 * apart from the heap, so safe for concurrent readers (while nothing writes).
 */
final class NodeReader {
    /** Up to this many keys a search compares them all; above, it first narrows by eight-way rounds. */
    private static final int LINEAR_SCAN = 24;

    final MappedHeap heap;
    final NodeGeometry geometry;

    NodeReader(MappedHeap heap, NodeGeometry geometry) {
        this.heap = heap;
        this.geometry = geometry;
    }

    /**
     * Checks that {@code node} is a node of {@code level} and returns its count.
     *
     * @throws MapCorruptedException if the offset is misaligned or outside the heap, the tag or level is
     *     wrong, or the count is out of range for the level (a leaf 0..leafCapacity, a branch
     *     1..branchCapacity)
     */
    int count(long node, int level) {
        if (node <= 0 || (node & 15) != 0) {
            throw new MapCorruptedException("map node offset is not a heap block: node=" + node + " level=" + level);
        }
        long head;
        int count;
        try {
            head = heap.readLong(node);
            count = heap.readInt(node + NodeLayout.COUNT_OFFSET);
        } catch (InvalidOffsetException e) {
            throw new MapCorruptedException("map node offset outside the heap: node=" + node + " level=" + level, e);
        }
        if (head != NodeLayout.tagAndLevel(level)) {
            throw new MapCorruptedException("map node has a wrong tag or level: node=" + node
                    + " expectedTag=0x" + Integer.toHexString(NodeLayout.TAG) + " foundTag=0x"
                    + Integer.toHexString((int) head) + " expectedLevel=" + level + " foundLevel=" + (int) (head >>> 32));
        }
        int min = level == 0 ? 0 : 1;
        int capacity = geometry.capacity(level);
        if (count < min || count > capacity) {
            throw new MapCorruptedException("map node count out of range: node=" + node + " level=" + level
                    + " count=" + count + " allowed=" + min + ".." + capacity);
        }
        return count;
    }

    /**
     * Searches a leaf for {@code key} trusting a count its parent gave (a leaf's subtree count in its parent
     * is its entry count), then checks the leaf's tag, level and count against it. The check's loads do not
     * depend on the search's, so they overlap with it instead of delaying it by a memory round trip; the
     * search only reads inside the node ({@code count} is checked against the capacity first) and its result
     * is returned only once the leaf checks out.
     *
     * @return {@link #lowerBound} of {@code key} in the leaf
     * @throws MapCorruptedException if the leaf is not a leaf or its count differs from {@code count}
     */
    int lowerBoundChecked(long leaf, long count, long key) {
        if (count < 0 || count > geometry.leafCapacity) {
            throw new MapCorruptedException("leaf count from its parent out of range: leaf=" + leaf + " count="
                    + count + " allowed=0.." + geometry.leafCapacity);
        }
        int slot;
        try {
            slot = lowerBound(leaf, (int) count, key);
        } catch (InvalidOffsetException e) {
            count(leaf, 0); // names the damage if the leaf itself is what is wrong
            throw e;
        }
        int stored = count(leaf, 0);
        if (stored != count) {
            throw new MapCorruptedException("leaf count differs from its subtree count in the parent: leaf=" + leaf
                    + " count=" + stored + " countFromParent=" + count);
        }
        return slot;
    }

    long branchKey(long branch, int i) {
        return heap.readLong(geometry.branchKey(branch, i));
    }

    long leafKey(long leaf, int i) {
        return heap.readLong(geometry.leafKey(leaf, i));
    }

    long child(long branch, int i) {
        return heap.readLong(geometry.child(branch, i));
    }

    long subtreeCount(long branch, int i) {
        return heap.readLong(geometry.subtreeCount(branch, i));
    }

    long prev(long leaf) {
        return heap.readLong(leaf + NodeLayout.PREV_OFFSET);
    }

    long next(long leaf) {
        return heap.readLong(leaf + NodeLayout.NEXT_OFFSET);
    }

    /** @return the first slot in {@code [0, count)} whose key is {@code >= key}, or {@code count} */
    int lowerBound(long leaf, int count, long key) {
        return countBelow(geometry.leafKey(leaf, 0), geometry.entrySize, count, key);
    }

    /** @return the child of a branch with {@code count} children whose key range holds {@code key} */
    int childIndex(long branch, int count, long key) {
        // the last i in [1, count) with keys[i] <= key, else 0: the number of keys[1..count) below key + 1
        // (Long.MAX_VALUE has no successor: it belongs to the last child)
        if (key == Long.MAX_VALUE) {
            return count - 1;
        }
        return countBelow(geometry.branchKey(branch, 1), Long.BYTES, count - 1, key + 1);
    }

    /**
     * How many of {@code n} ascending keys, {@code stride} bytes apart from {@code first}, are below
     * {@code key}. The search is shaped for memory-level parallelism rather than fewest comparisons: each
     * eight-way round issues seven loads that do not depend on each other, and at most {@value #LINEAR_SCAN}
     * keys are then compared all at once, so a node that is not in cache costs one or two memory round
     * trips, not one per halving; the comparisons add up without branches.
     */
    private int countBelow(long first, int stride, int n, long key) {
        long lo = first;
        int below = 0;
        while (n > LINEAR_SCAN) {
            int step = n >>> 3;
            long span = (long) step * stride;
            int pivots = (heap.readLong(lo + span) < key ? 1 : 0)
                    + (heap.readLong(lo + 2 * span) < key ? 1 : 0)
                    + (heap.readLong(lo + 3 * span) < key ? 1 : 0)
                    + (heap.readLong(lo + 4 * span) < key ? 1 : 0)
                    + (heap.readLong(lo + 5 * span) < key ? 1 : 0)
                    + (heap.readLong(lo + 6 * span) < key ? 1 : 0)
                    + (heap.readLong(lo + 7 * span) < key ? 1 : 0);
            // the answer lies in (pivot j, pivot j+1]; keep the keys from pivot j on (pivot j counted below)
            lo += pivots * span;
            below += pivots * step;
            n = pivots == 7 ? n - 7 * step : step;
        }
        int scan = 0;
        for (int i = 0; i < n; i++) {
            scan += heap.readLong(lo + (long) i * stride) < key ? 1 : 0;
        }
        return below + scan;
    }

    /** @return entries in all subtrees of a branch */
    long totalCount(long branch, int count) {
        long sum = 0;
        for (int c = 0; c < count; c++) {
            sum += subtreeCount(branch, c);
        }
        return sum;
    }
}
