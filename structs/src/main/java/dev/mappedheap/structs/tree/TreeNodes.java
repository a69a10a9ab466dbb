// Structs layer, node tree: checked access to one tree's header and records, shared by reads and writes.
package dev.mappedheap.structs.tree;

import static dev.mappedheap.structs.tree.NodeLayouts.*;
import static dev.mappedheap.structs.tree.TreeHeaderLayout.*;

import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.StringField;
import dev.mappedheap.structs.StructView;

/**
 * One tree's header and the checks every access makes: a node offset given by a caller must be a live node
 * record of this tree ({@link IllegalArgumentException} otherwise: a caller's mistake), a link read from the
 * file must be one too ({@link NodeTreeCorruptedException} otherwise), and every count read from the header
 * is checked against what the heap could hold before a walk trusts it. Stateless apart from the offsets, so
 * safe to share; the views passed in belong to the calling thread.
 */
final class TreeNodes {
    final MappedHeap heap;
    final long header;
    /** The heap's capacity when last asked; re-read only when a count seems out of range (the heap grows). */
    private volatile long knownCapacity;

    TreeNodes(MappedHeap heap, long header) {
        this.heap = heap;
        this.header = header;
    }

    /**
     * Wraps {@code view} at a node a caller named.
     *
     * @throws IllegalArgumentException if {@code node} is not a live node record of this tree
     */
    StructView member(StructView view, long node) {
        try {
            view.wrap(node);
        } catch (HeapException e) {
            throw new IllegalArgumentException("not a node of this tree: node=" + node + " tree=" + header + " ("
                    + e.getMessage() + ")", e);
        }
        long owner = TREE.get(view);
        if (owner != header) {
            throw new IllegalArgumentException("not a node of this tree (removed, or of another tree): node=" + node
                    + " tree=" + header + " nodeTree=" + owner);
        }
        return view;
    }

    /**
     * Wraps {@code view} at a node a link of the file points at.
     *
     * @param from the record the link was read from, for the message
     * @throws NodeTreeCorruptedException if {@code node} is not a live node record of this tree
     */
    StructView linked(StructView view, long node, long from, String link) {
        try {
            view.wrap(node);
        } catch (HeapException e) {
            throw new NodeTreeCorruptedException("link does not lead to a node record: from=" + from + " link=" + link
                    + " node=" + node + " tree=" + header + " (" + e.getMessage() + ")", e);
        }
        long owner = TREE.get(view);
        if (owner != header) {
            throw new NodeTreeCorruptedException("link leads to a node of another tree: from=" + from + " link="
                    + link + " node=" + node + " tree=" + header + " nodeTree=" + owner);
        }
        return view;
    }

    /** Wraps {@code view} at an attribute record a link of the file points at. */
    StructView attribute(StructView view, long attribute, long from) {
        try {
            return view.wrap(attribute);
        } catch (HeapException e) {
            throw new NodeTreeCorruptedException("link does not lead to an attribute record: from=" + from
                    + " attribute=" + attribute + " tree=" + header + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Looks up the attribute {@code name} of the node {@code owner} is wrapped at, walking at most its
     * attribute count.
     *
     * @param before receives, in {@code before[0]}, the attribute before the one found (0 if it is the first),
     *     or the last attribute (0 if none) when there is no such attribute
     * @return the attribute, with {@code attribute} wrapped at it, or 0
     */
    long findAttribute(StructView owner, StructView attribute, String name, long[] before) {
        long count = attributeCount(owner);
        long previous = 0;
        long at = FIRST_ATTRIBUTE.get(owner);
        for (long i = 0; i < count; i++) {
            attribute(attribute, at, owner.offset());
            if (ATTR_NAME.contentEquals(attribute, name)) {
                before[0] = previous;
                return at;
            }
            previous = at;
            at = ATTR_NEXT.get(attribute);
        }
        before[0] = previous;
        return 0;
    }

    /**
     * @return a string that the format says is never null (a name, an attribute value)
     * @throws NodeTreeCorruptedException if it is null
     */
    static String required(StringField field, StructView record, String what) {
        String value = field.get(record);
        if (value == null) {
            throw new NodeTreeCorruptedException(what + " is null: record=" + record.offset());
        }
        return value;
    }

    /** @return the root node's offset, checked to be a plausible block offset */
    long root() {
        long root = heap.readLong(header + ROOT_OFFSET);
        if (root <= 0 || (root & 15) != 0) {
            throw new NodeTreeCorruptedException("tree root is not a heap block: tree=" + header + " root=" + root);
        }
        return root;
    }

    /** @return the node count, checked against how many node records the heap could hold */
    long nodeCount() {
        return counted(NODE_COUNT_OFFSET, "nodeCount", 1);
    }

    /** @return the attribute count, checked against how many attribute records the heap could hold */
    long attributeCount() {
        return counted(ATTRIBUTE_COUNT_OFFSET, "attributeCount", 0);
    }

    long modCount() {
        return heap.readLong(header + MOD_COUNT_OFFSET);
    }

    /** @return most records of {@code size} bytes the heap's current capacity could hold: a bound for walks */
    long maxRecords(int size) {
        return heap.stats().capacity() / size;
    }

    private long counted(int at, String name, long min) {
        long count = heap.readLong(header + at);
        int size = at == NODE_COUNT_OFFSET ? NODE.size() : ATTRIBUTE.size();
        long max = knownCapacity / size;
        if (count > max) { // perhaps the heap grew since: ask again (heap.stats() takes the heap's lock)
            knownCapacity = heap.stats().capacity();
            max = knownCapacity / size;
        }
        if (count < min || count > max) {
            throw new NodeTreeCorruptedException("tree " + name + " out of range: tree=" + header + " " + name + "="
                    + count + " allowed=" + min + ".." + max);
        }
        return count;
    }

    /** @return the attribute count of the node {@code view} is wrapped at, checked against the tree's total */
    long attributeCount(StructView view) {
        return count(ATTRIBUTE_COUNT.get(view), attributeCount(), view.offset(), "attributeCount");
    }

    /** @return the child count of the node {@code view} is wrapped at, checked against the tree's node count */
    long childCount(StructView view) {
        return count(CHILD_COUNT.get(view), nodeCount(), view.offset(), "childCount");
    }

    /**
     * @return a count field of a node, checked against what the tree holds
     * @throws NodeTreeCorruptedException if it is negative or larger than {@code max}
     */
    static long count(long value, long max, long node, String name) {
        if (value < 0 || value > max) {
            throw new NodeTreeCorruptedException("node " + name + " out of range: node=" + node + " " + name + "="
                    + value + " allowed=0.." + max);
        }
        return value;
    }
}
