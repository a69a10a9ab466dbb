// Structs layer, node tree: every mutation, as a handful of word writes through one HeapWriter.
package dev.mappedheap.structs.tree;

import static dev.mappedheap.structs.tree.NodeLayouts.*;
import static dev.mappedheap.structs.tree.TreeHeaderLayout.*;

import dev.mappedheap.structs.HeapWriter;
import dev.mappedheap.structs.StructView;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Objects;

/**
 * The mutations of a {@link NodeTree}, each writing through {@link HeapWriter} only what changes: a new
 * subtree's own blocks and the few links around it, one string block and its reference, or the links around
 * a removed subtree (whose blocks are freed). Nothing here is proportional to the document. The caller holds
 * the tree's lock and, for atomicity, passes a {@link dev.mappedheap.structs.tx.Transaction} (or a wrapper
 * of one) as the writer. One editor per thread.
 */
final class NodeEditor {
    private final TreeNodes nodes;
    private final HeapWriter writer;
    private final long header;
    private final StructView node;
    private final StructView other;
    private final StructView neighbour;
    private final StructView attribute;

    NodeEditor(TreeNodes nodes, HeapWriter writer) {
        if (writer.heap() != nodes.heap) {
            throw new IllegalArgumentException("the writer writes another heap: writer=" + writer + " tree heap="
                    + nodes.heap);
        }
        this.nodes = nodes;
        this.writer = writer;
        this.header = nodes.header;
        this.node = NODE.newView(writer);
        this.other = NODE.newView(writer);
        this.neighbour = NODE.newView(writer);
        this.attribute = ATTRIBUTE.newView(writer);
    }

    // ---------------------------------------------------------------- create

    /** Writes a new tree's header and root through {@code writer}; the magic goes last. @return the header */
    static long createTree(HeapWriter writer, String rootName) {
        Objects.requireNonNull(rootName, "rootName");
        long header = writer.allocate(HEADER_LENGTH);
        for (int at = 8; at < HEADER_LENGTH; at += 8) {
            writer.writeLong(header + at, 0);
        }
        NodeEditor editor = new NodeEditor(new TreeNodes(writer.heap(), header), writer);
        long[] counts = new long[2];
        long root = editor.build(NodeData.of(rootName), 0, 0, counts);
        long versionAndLength = FORMAT_VERSION | ((long) HEADER_LENGTH << 32);
        long tags = (NODE.typeTag() & 0xFFFFFFFFL) | ((long) ATTRIBUTE.typeTag() << 32);
        long versions = NODE.version() | ((long) ATTRIBUTE.version() << 32);
        writer.writeLong(header + FORMAT_VERSION_OFFSET, versionAndLength);
        writer.writeLong(header + NODE_TYPE_TAG_OFFSET, tags);
        writer.writeLong(header + NODE_VERSION_OFFSET, versions);
        writer.writeLong(header + HEADER_CHECKSUM_OFFSET, checksum(MAGIC, versionAndLength, tags, versions));
        writer.writeLong(header + ROOT_OFFSET, root);
        writer.writeLong(header + NODE_COUNT_OFFSET, counts[0]);
        writer.writeLong(header + MAGIC_OFFSET, MAGIC);
        return header;
    }

    // ---------------------------------------------------------------- structure

    /**
     * Builds {@code data} as a new subtree and links it under {@code parent}, before {@code before} (0: at the
     * end). @return the new subtree's root
     */
    long insert(long parent, long before, NodeData data) {
        Objects.requireNonNull(data, "data");
        nodes.member(other, parent);
        checkChildOf(before, parent);
        long[] counts = new long[2];
        long built = build(data, parent, 0, counts);
        link(built, parent, before);
        addToHeader(counts[0], counts[1]);
        return built;
    }

    /** Unlinks {@code target}'s subtree and frees every block of it. @return nodes removed */
    long remove(long target) {
        nodes.member(node, target);
        if (target == nodes.root()) {
            throw new IllegalArgumentException("the root cannot be removed: node=" + target);
        }
        unlink(target);
        TREE.set(node.wrap(target), 0); // a stale handle to the removed subtree is refused from here on
        long limit = nodes.nodeCount();
        long removedNodes = 0;
        long removedAttributes = 0;
        ArrayDeque<Long> pending = new ArrayDeque<>();
        pending.push(target);
        while (!pending.isEmpty()) {
            long at = pending.pop();
            if (++removedNodes > limit) {
                throw new NodeTreeCorruptedException("subtree larger than the tree (a cycle?): node=" + target
                        + " nodeCount=" + limit);
            }
            if (at == target) {
                node.wrap(at);
            } else {
                nodes.linked(node, at, target, "descendant");
            }
            long children = nodes.childCount(node);
            long child = FIRST_CHILD.get(node);
            for (long i = 0; i < children; i++) {
                if (child == 0) {
                    throw new NodeTreeCorruptedException("sibling chain shorter than childCount: node=" + at
                            + " childCount=" + children + " found=" + i);
                }
                pending.push(child);
                child = NEXT_SIBLING.get(nodes.linked(other, child, at, "child"));
            }
            if (child != 0) {
                throw new NodeTreeCorruptedException("sibling chain longer than childCount: node=" + at
                        + " childCount=" + children);
            }
            removedAttributes += freeAttributes(at);
            NODE.free(writer, at);
        }
        addToHeader(-removedNodes, -removedAttributes);
        return removedNodes;
    }

    /** Moves {@code target}'s subtree under {@code parent}, before {@code before} (0: at the end). */
    void move(long target, long parent, long before) {
        nodes.member(node, target);
        nodes.member(other, parent);
        if (target == nodes.root()) {
            throw new IllegalArgumentException("the root cannot be moved: node=" + target);
        }
        if (before == target) {
            throw new IllegalArgumentException("a node cannot be inserted before itself: node=" + target);
        }
        checkChildOf(before, parent);
        long limit = nodes.nodeCount();
        long steps = 0;
        for (long up = parent; up != 0; up = PARENT.get(nodes.linked(other, up, parent, "parent"))) {
            if (up == target) {
                throw new IllegalArgumentException("a node cannot move into its own subtree: node=" + target
                        + " parent=" + parent);
            }
            if (++steps > limit) {
                throw new NodeTreeCorruptedException("parent chain longer than the tree (a cycle?): node=" + parent
                        + " nodeCount=" + limit);
            }
        }
        unlink(target);
        link(target, parent, before);
        addToHeader(0, 0);
    }

    // ---------------------------------------------------------------- contents

    void setText(long target, String text) {
        TEXT.set(nodes.member(node, target), text);
        addToHeader(0, 0);
    }

    void rename(long target, String name) {
        Objects.requireNonNull(name, "name");
        NAME.set(nodes.member(node, target), name);
        addToHeader(0, 0);
    }

    /** @return true if the attribute was new */
    boolean setAttribute(long target, String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        nodes.member(node, target);
        long[] last = new long[1];
        if (nodes.findAttribute(node, attribute, name, last) != 0) {
            ATTR_VALUE.set(attribute, value);
            addToHeader(0, 0);
            return false;
        }
        long added = newAttribute(name, value);
        if (last[0] == 0) {
            FIRST_ATTRIBUTE.set(node, added);
        } else {
            ATTR_NEXT.set(attribute.wrap(last[0]), added);
        }
        ATTRIBUTE_COUNT.set(node, ATTRIBUTE_COUNT.get(node) + 1);
        addToHeader(0, 1);
        return true;
    }

    /** @return true if the attribute was there */
    boolean removeAttribute(long target, String name) {
        Objects.requireNonNull(name, "name");
        nodes.member(node, target);
        long[] previous = new long[1];
        long found = nodes.findAttribute(node, attribute, name, previous);
        if (found == 0) {
            return false;
        }
        long next = ATTR_NEXT.get(attribute);
        if (previous[0] == 0) {
            FIRST_ATTRIBUTE.set(node, next);
        } else {
            ATTR_NEXT.set(attribute.wrap(previous[0]), next);
        }
        ATTRIBUTE_COUNT.set(node, ATTRIBUTE_COUNT.get(node) - 1);
        ATTRIBUTE.free(writer, found);
        addToHeader(0, -1);
        return true;
    }

    // ---------------------------------------------------------------- the pieces

    /** Allocates and fills one node per {@code data} node, children linked, counted into {@code counts}. */
    private long build(NodeData data, long parent, long previous, long[] counts) {
        long created = NODE.allocate(writer);
        StructView view = NODE.newView(writer).wrap(created);
        TREE.set(view, header);
        PARENT.set(view, parent);
        PREV_SIBLING.set(view, previous);
        NAME.set(view, data.name());
        if (data.text() != null) {
            TEXT.set(view, data.text());
        }
        long lastAttribute = 0;
        for (Map.Entry<String, String> entry : data.attributes().entrySet()) {
            long added = newAttribute(entry.getKey(), entry.getValue());
            if (lastAttribute == 0) {
                FIRST_ATTRIBUTE.set(view, added);
            } else {
                ATTR_NEXT.set(attribute.wrap(lastAttribute), added);
            }
            lastAttribute = added;
        }
        ATTRIBUTE_COUNT.set(view, data.attributes().size());
        long lastChild = 0;
        for (NodeData childData : data.children()) {
            long child = build(childData, created, lastChild, counts);
            if (lastChild == 0) {
                FIRST_CHILD.set(view, child);
            } else {
                NEXT_SIBLING.set(neighbour.wrap(lastChild), child);
            }
            lastChild = child;
        }
        LAST_CHILD.set(view, lastChild);
        CHILD_COUNT.set(view, data.children().size());
        counts[0]++;
        counts[1] += data.attributes().size();
        return created;
    }

    private long newAttribute(String name, String value) {
        long added = ATTRIBUTE.allocate(writer);
        attribute.wrap(added);
        ATTR_NAME.set(attribute, name);
        ATTR_VALUE.set(attribute, value);
        return added;
    }

    /** Frees the attribute records of the node {@code node} is wrapped at. @return how many */
    private long freeAttributes(long owner) {
        long count = nodes.attributeCount(node);
        long at = FIRST_ATTRIBUTE.get(node);
        for (long i = 0; i < count; i++) {
            long next = ATTR_NEXT.get(nodes.attribute(attribute, at, owner));
            ATTRIBUTE.free(writer, at);
            at = next;
        }
        return count;
    }

    /** Links the detached {@code target} under {@code parent} before {@code before} (0: at the end). */
    private void link(long target, long parent, long before) {
        nodes.member(other, parent);
        long previous = before == 0 ? LAST_CHILD.get(other) : PREV_SIBLING.get(nodes.member(neighbour, before));
        PARENT.set(node.wrap(target), parent);
        chain(previous, target, parent);
        chain(target, before, parent);
        CHILD_COUNT.set(other, CHILD_COUNT.get(other) + 1);
    }

    /** Takes {@code target} out of its parent's child list; its own links are left as they were. */
    private void unlink(long target) {
        node.wrap(target);
        long parent = PARENT.get(node);
        long previous = PREV_SIBLING.get(node);
        long next = NEXT_SIBLING.get(node);
        nodes.linked(other, parent, target, "parent");
        chain(previous, next, target);
        long count = CHILD_COUNT.get(other);
        if (count < 1) {
            throw new NodeTreeCorruptedException("parent of a linked node has no children: node=" + target
                    + " parent=" + parent + " childCount=" + count);
        }
        CHILD_COUNT.set(other, count - 1);
    }

    /**
     * Makes {@code right} follow {@code left} in the child list of the parent {@code other} is wrapped at; 0
     * on either side stands for the list's end (the parent's {@code firstChild} or {@code lastChild}).
     */
    private void chain(long left, long right, long from) {
        if (left == 0) {
            FIRST_CHILD.set(other, right);
        } else {
            NEXT_SIBLING.set(nodes.linked(neighbour, left, from, "prevSibling"), right);
        }
        if (right == 0) {
            LAST_CHILD.set(other, left);
        } else {
            PREV_SIBLING.set(nodes.linked(neighbour, right, from, "nextSibling"), left);
        }
    }

    private void checkChildOf(long before, long parent) {
        if (before != 0 && PARENT.get(nodes.member(neighbour, before)) != parent) {
            throw new IllegalArgumentException("before is not a child of parent: before=" + before + " parent="
                    + parent);
        }
    }

    /** Adjusts the header's counts and raises its modCount: 24 bytes at most. */
    private void addToHeader(long nodeDelta, long attributeDelta) {
        if (nodeDelta != 0) {
            writer.writeLong(header + NODE_COUNT_OFFSET, nodes.nodeCount() + nodeDelta);
        }
        if (attributeDelta != 0) {
            writer.writeLong(header + ATTRIBUTE_COUNT_OFFSET, nodes.attributeCount() + attributeDelta);
        }
        writer.writeLong(header + MOD_COUNT_OFFSET, nodes.modCount() + 1);
    }
}
