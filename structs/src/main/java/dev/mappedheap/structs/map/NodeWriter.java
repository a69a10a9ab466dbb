// Structs layer, map: changing nodes, each change a few words or one shifting copy through the HeapWriter.
package dev.mappedheap.structs.map;

import dev.mappedheap.structs.HeapWriter;
/**
 * The node-level changes the tree algorithms are made of. Every write goes through the map's
 * {@link HeapWriter}; shifting entries is one {@link HeapWriter#copy} for a leaf's entries (keys and values together) or
 * per array of a branch (keys, children, counts), so a change costs the bytes it moves plus a few words.
 */
final class NodeWriter {
    private final HeapWriter writer;
    private final NodeReader reader;
    private final NodeGeometry geometry;
    /** Whose structure version every node allocation and free moves on; null while the header is being made. */
    private final MapHeader header;

    NodeWriter(HeapWriter writer, NodeReader reader, MapHeader header) {
        this.writer = writer;
        this.reader = reader;
        this.geometry = reader.geometry;
        this.header = header;
    }

    /** Allocates an empty node of {@code level}: header written, keys and values left as the block held them. */
    long newNode(int level) {
        if (header != null) {
            header.bumpStructureVersion();
        }
        long node = writer.allocate(geometry.nodeSize);
        writer.writeLong(node, NodeLayout.tagAndLevel(level));
        writer.writeLong(node + NodeLayout.COUNT_OFFSET, 0); // count and the reserved int
        writer.writeLong(node + NodeLayout.PREV_OFFSET, 0);
        writer.writeLong(node + NodeLayout.NEXT_OFFSET, 0);
        return node;
    }

    void free(long node) {
        header.bumpStructureVersion();
        writer.free(node);
    }

    void setCount(long node, int count) {
        writer.writeInt(node + NodeLayout.COUNT_OFFSET, count);
    }

    void setPrev(long leaf, long prev) {
        writer.writeLong(leaf + NodeLayout.PREV_OFFSET, prev);
    }

    void setNext(long leaf, long next) {
        writer.writeLong(leaf + NodeLayout.NEXT_OFFSET, next);
    }

    void setBranchKey(long branch, int i, long key) {
        writer.writeLong(geometry.branchKey(branch, i), key);
    }

    void setChild(long branch, int i, long child) {
        writer.writeLong(geometry.child(branch, i), child);
    }

    void setSubtreeCount(long branch, int i, long count) {
        writer.writeLong(geometry.subtreeCount(branch, i), count);
    }

    void addSubtreeCount(long branch, int i, long delta) {
        setSubtreeCount(branch, i, reader.subtreeCount(branch, i) + delta);
    }

    // ---- leaves

    /**
     * Opens slot {@code slot} in a leaf holding {@code count < leafCapacity} entries and puts {@code key}
     * there.
     *
     * @return the offset of the slot's value, for the caller to write
     */
    long insertEntry(long leaf, int count, int slot, long key) {
        moveEntries(leaf, slot, leaf, slot + 1, count - slot);
        writer.writeLong(geometry.leafKey(leaf, slot), key);
        setCount(leaf, count + 1);
        return geometry.value(leaf, slot);
    }

    /** Closes slot {@code slot} of a leaf holding {@code count} entries. */
    void removeEntry(long leaf, int count, int slot) {
        moveEntries(leaf, slot + 1, leaf, slot, count - slot - 1);
        setCount(leaf, count - 1);
    }

    /** Copies {@code n} entries (each key with its value); source and target may be the same leaf and overlap. */
    void moveEntries(long from, int fromSlot, long to, int toSlot, int n) {
        if (n == 0) {
            return;
        }
        writer.copy(geometry.leafKey(from, fromSlot), geometry.leafKey(to, toSlot), (long) n * geometry.entrySize);
    }

    // ---- branches

    /** Opens child slot {@code i} in a branch holding {@code count < branchCapacity} children and fills it. */
    void insertChild(long branch, int count, int i, long key, long child, long subtreeCount) {
        moveChildren(branch, i, branch, i + 1, count - i);
        setBranchKey(branch, i, key);
        setChild(branch, i, child);
        setSubtreeCount(branch, i, subtreeCount);
        setCount(branch, count + 1);
    }

    /** Closes child slot {@code i} of a branch holding {@code count} children. */
    void removeChild(long branch, int count, int i) {
        moveChildren(branch, i + 1, branch, i, count - i - 1);
        setCount(branch, count - 1);
    }

    /** Copies {@code n} child slots (key, child, count); source and target may be the same node and overlap. */
    void moveChildren(long from, int fromSlot, long to, int toSlot, int n) {
        if (n == 0) {
            return;
        }
        long bytes = (long) n << 3;
        writer.copy(geometry.branchKey(from, fromSlot), geometry.branchKey(to, toSlot), bytes);
        writer.copy(geometry.child(from, fromSlot), geometry.child(to, toSlot), bytes);
        writer.copy(geometry.subtreeCount(from, fromSlot), geometry.subtreeCount(to, toSlot), bytes);
    }
}
