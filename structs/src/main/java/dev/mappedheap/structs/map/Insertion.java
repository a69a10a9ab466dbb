// Structs layer, map: inserting a key, splitting full nodes from the leaf up.
package dev.mappedheap.structs.map;

/**
 * Insert or find the slot of a key. A full node splits into two halves of at least the minimum fill, the new
 * right half taking the upper entries, and the split climbs while parents are full; a full root grows the
 * tree by one level. Subtree counts on the path change by one word per level; a split level moves half a
 * node with one copy per array. Not thread-safe: one instance per map, used under the map's single-writer
 * rule.
 */
final class Insertion {
    private final NodeReader reader;
    private final NodeWriter nodes;
    private final MapHeader header;
    private final NodeGeometry geometry;
    private final TreePath path = new TreePath();
    private boolean inserted;

    Insertion(NodeReader reader, NodeWriter nodes, MapHeader header) {
        this.reader = reader;
        this.nodes = nodes;
        this.header = header;
        this.geometry = reader.geometry;
    }

    /**
     * Finds {@code key}'s slot, inserting the key (with its value bytes unwritten) when it is absent.
     *
     * @return the offset of the key's value, for the caller to write
     */
    long slotFor(long key) {
        path.descend(reader, header, key);
        long leaf = path.leaf;
        int count = path.leafCount;
        int slot = reader.lowerBound(leaf, count, key);
        if (slot < count && reader.leafKey(leaf, slot) == key) {
            inserted = false;
            return geometry.value(leaf, slot);
        }
        long size = header.size();
        long valueOffset;
        if (count < geometry.leafCapacity) {
            valueOffset = nodes.insertEntry(leaf, count, slot, key);
            path.addToAncestors(nodes, path.height - 1, 1);
        } else {
            valueOffset = splitLeaf(leaf, count, slot, key);
        }
        header.setSize(size + 1);
        inserted = true;
        return valueOffset;
    }

    /** @return whether the last {@link #slotFor} inserted the key (rather than finding it) */
    boolean inserted() {
        return inserted;
    }

    /** Splits a full leaf around the new key and links the new right half into the leaf chain. */
    private long splitLeaf(long leaf, int count, int slot, long key) {
        long right = nodes.newNode(0);
        int leftCount = (count + 2) / 2; // of the count + 1 entries; both halves reach the minimum fill
        long valueOffset;
        if (slot < leftCount) {
            nodes.moveEntries(leaf, leftCount - 1, right, 0, count - leftCount + 1);
            nodes.setCount(right, count - leftCount + 1);
            valueOffset = nodes.insertEntry(leaf, leftCount - 1, slot, key);
        } else {
            nodes.moveEntries(leaf, leftCount, right, 0, count - leftCount);
            nodes.setCount(leaf, leftCount);
            valueOffset = nodes.insertEntry(right, count - leftCount, slot - leftCount, key);
        }
        long next = reader.next(leaf);
        nodes.setPrev(right, leaf);
        nodes.setNext(right, next);
        if (next != 0) {
            reader.count(next, 0); // never write through a damaged link
            nodes.setPrev(next, right);
        }
        nodes.setNext(leaf, right);
        insertIntoParents(leftCount, right, count + 1 - leftCount, reader.leafKey(right, 0));
        return valueOffset;
    }

    /**
     * Hangs {@code right} after the child taken at each level, splitting full branches on the way up.
     *
     * @param leftSize entries now under the child that was split
     * @param rightSize entries under {@code right}
     * @param separator the smallest key under {@code right}
     */
    private void insertIntoParents(long leftSize, long right, long rightSize, long separator) {
        int height = path.height;
        for (int d = height - 2; d >= 0; d--) {
            long node = path.nodes[d];
            int count = path.counts[d];
            int i = path.slots[d];
            nodes.setSubtreeCount(node, i, leftSize);
            if (count < geometry.branchCapacity) {
                nodes.insertChild(node, count, i + 1, separator, right, rightSize);
                path.addToAncestors(nodes, d, 1);
                return;
            }
            long newRight = nodes.newNode(height - 1 - d);
            int leftCount = (count + 2) / 2;
            if (i + 1 < leftCount) {
                nodes.moveChildren(node, leftCount - 1, newRight, 0, count - leftCount + 1);
                nodes.setCount(newRight, count - leftCount + 1);
                nodes.insertChild(node, leftCount - 1, i + 1, separator, right, rightSize);
            } else {
                nodes.moveChildren(node, leftCount, newRight, 0, count - leftCount);
                nodes.setCount(node, leftCount);
                nodes.insertChild(newRight, count - leftCount, i + 1 - leftCount, separator, right, rightSize);
            }
            leftSize = reader.totalCount(node, leftCount);
            rightSize = reader.totalCount(newRight, count + 1 - leftCount);
            separator = reader.branchKey(newRight, 0); // a branch's keys[0] is the separator it was split off at
            right = newRight;
        }
        long oldRoot = height == 1 ? path.leaf : path.nodes[0];
        long root = nodes.newNode(height);
        nodes.setChild(root, 0, oldRoot);
        nodes.setSubtreeCount(root, 0, leftSize);
        nodes.setBranchKey(root, 1, separator);
        nodes.setChild(root, 1, right);
        nodes.setSubtreeCount(root, 1, rightSize);
        nodes.setCount(root, 2);
        header.setRoot(root);
        header.setHeight(height + 1);
    }
}
