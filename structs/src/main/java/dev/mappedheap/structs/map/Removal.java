// Structs layer, map: removing a key, refilling underfull nodes from the leaf up.
package dev.mappedheap.structs.map;

/**
 * Remove a key. A node left below the minimum fill borrows one entry (or child) from a sibling that can
 * spare one, else merges with it and frees the emptied node; a merge removes a child from the parent, which
 * may underfill in turn. A root branch left with one child is freed and its child becomes the root. The
 * common case writes the closed gap (one copy per array), the leaf's count, one subtree count per level and
 * the map's size. Not thread-safe: one instance per map, used under the map's single-writer rule.
 */
final class Removal {
    private final NodeReader reader;
    private final NodeWriter nodes;
    private final MapHeader header;
    private final NodeGeometry geometry;
    private final TreePath path = new TreePath();

    Removal(NodeReader reader, NodeWriter nodes, MapHeader header) {
        this.reader = reader;
        this.nodes = nodes;
        this.header = header;
        this.geometry = reader.geometry;
    }

    /** @return true if {@code key} was present (and is now removed) */
    boolean remove(long key) {
        path.descend(reader, header, key);
        long leaf = path.leaf;
        int count = path.leafCount;
        int slot = reader.lowerBound(leaf, count, key);
        if (slot == count || reader.leafKey(leaf, slot) != key) {
            return false;
        }
        long size = header.size();
        nodes.removeEntry(leaf, count, slot);
        path.addToAncestors(nodes, path.height - 1, -1);
        header.setSize(size - 1);
        rebalance(leaf, count - 1);
        return true;
    }

    private void rebalance(long node, int count) {
        int height = path.height;
        for (int d = height - 2; d >= 0; d--) {
            int level = height - 2 - d; // of node; its parent is path.nodes[d]
            int min = geometry.minFill(level);
            if (count >= min) {
                return;
            }
            long parent = path.nodes[d];
            int parentCount = path.counts[d];
            int i = path.slots[d];
            if (i > 0) {
                long left = reader.child(parent, i - 1);
                int leftCount = reader.count(left, level);
                if (leftCount > min) {
                    borrowFromLeft(parent, i, left, leftCount, node, count, level);
                    return;
                }
                merge(parent, parentCount, i - 1, left, leftCount, node, count, level);
            } else {
                long right = reader.child(parent, 1);
                int rightCount = reader.count(right, level);
                if (rightCount > min) {
                    borrowFromRight(parent, 0, node, count, right, rightCount, level);
                    return;
                }
                merge(parent, parentCount, 0, node, count, right, rightCount, level);
            }
            node = parent;
            count = parentCount - 1;
        }
        if (height > 1 && count == 1) {
            // node is the root, a branch with a single child: the child becomes the root
            header.setRoot(reader.child(node, 0));
            header.setHeight(height - 1);
            nodes.free(node);
        }
    }

    /** Moves the last entry (or child) of {@code left} to the front of {@code node}, child {@code i}. */
    private void borrowFromLeft(long parent, int i, long left, int leftCount, long node, int count, int level) {
        long moved;
        if (level == 0) {
            nodes.moveEntries(node, 0, node, 1, count);
            nodes.moveEntries(left, leftCount - 1, node, 0, 1);
            nodes.setBranchKey(parent, i, reader.leafKey(node, 0));
            moved = 1;
        } else {
            nodes.moveChildren(node, 0, node, 1, count);
            nodes.moveChildren(left, leftCount - 1, node, 0, 1);
            // the old separator now separates the moved child from node's former first child
            nodes.setBranchKey(node, 1, reader.branchKey(parent, i));
            nodes.setBranchKey(parent, i, reader.branchKey(node, 0));
            moved = reader.subtreeCount(node, 0);
        }
        nodes.setCount(node, count + 1);
        nodes.setCount(left, leftCount - 1);
        nodes.addSubtreeCount(parent, i - 1, -moved);
        nodes.addSubtreeCount(parent, i, moved);
    }

    /** Moves the first entry (or child) of {@code right} to the end of {@code node}, child {@code i}. */
    private void borrowFromRight(long parent, int i, long node, int count, long right, int rightCount, int level) {
        long moved;
        if (level == 0) {
            nodes.moveEntries(right, 0, node, count, 1);
            nodes.moveEntries(right, 1, right, 0, rightCount - 1);
            nodes.setBranchKey(parent, i + 1, reader.leafKey(right, 0));
            moved = 1;
        } else {
            nodes.moveChildren(right, 0, node, count, 1);
            nodes.setBranchKey(node, count, reader.branchKey(parent, i + 1));
            nodes.moveChildren(right, 1, right, 0, rightCount - 1);
            nodes.setBranchKey(parent, i + 1, reader.branchKey(right, 0));
            moved = reader.subtreeCount(node, count);
        }
        nodes.setCount(node, count + 1);
        nodes.setCount(right, rightCount - 1);
        nodes.addSubtreeCount(parent, i, moved);
        nodes.addSubtreeCount(parent, i + 1, -moved);
    }

    /** Appends {@code right} (child {@code leftIndex + 1}) to {@code left}, drops it from the parent, frees it. */
    private void merge(long parent, int parentCount, int leftIndex, long left, int leftCount, long right,
            int rightCount, int level) {
        if (level == 0) {
            nodes.moveEntries(right, 0, left, leftCount, rightCount);
            long next = reader.next(right);
            nodes.setNext(left, next);
            if (next != 0) {
                reader.count(next, 0); // never write through a damaged link
                nodes.setPrev(next, left);
            }
        } else {
            nodes.moveChildren(right, 0, left, leftCount, rightCount);
            nodes.setBranchKey(left, leftCount, reader.branchKey(parent, leftIndex + 1));
        }
        nodes.setCount(left, leftCount + rightCount);
        nodes.setSubtreeCount(parent, leftIndex,
                reader.subtreeCount(parent, leftIndex) + reader.subtreeCount(parent, leftIndex + 1));
        nodes.removeChild(parent, parentCount, leftIndex + 1);
        nodes.free(right);
    }
}
