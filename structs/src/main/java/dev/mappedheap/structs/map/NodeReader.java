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

    long key(long node, int i) {
        return heap.readLong(geometry.key(node, i));
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

    /**
     * @return the first slot in {@code [0, count)} whose key is {@code >= key}, or {@code count}. A
     *     branch-free binary search: the JIT turns the select into a conditional move, so the search costs
     *     log2(count) dependent loads and no mispredicted branches.
     */
    int lowerBound(long leaf, int count, long key) {
        if (count == 0) {
            return 0;
        }
        long keys = geometry.key(leaf, 0);
        int lo = 0;
        int n = count;
        while (n > 1) {
            int half = n >>> 1;
            lo = heap.readLong(keys + ((long) (lo + half) << 3)) < key ? lo + half : lo;
            n -= half;
        }
        return heap.readLong(keys + ((long) lo << 3)) < key ? lo + 1 : lo;
    }

    /** @return the child of a branch with {@code count} children whose key range holds {@code key} */
    int childIndex(long branch, int count, long key) {
        long keys = geometry.key(branch, 0);
        int lo = 1;
        int n = count - 1;
        if (n <= 0) {
            return 0;
        }
        while (n > 1) {
            int half = n >>> 1;
            lo = heap.readLong(keys + ((long) (lo + half) << 3)) <= key ? lo + half : lo;
            n -= half;
        }
        return heap.readLong(keys + ((long) lo << 3)) <= key ? lo : lo - 1;
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
