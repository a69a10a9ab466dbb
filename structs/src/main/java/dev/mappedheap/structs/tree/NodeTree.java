// Structs layer, node tree: the public face of a hierarchical document that lives in a MappedHeap.
package dev.mappedheap.structs.tree;

import static dev.mappedheap.structs.tree.NodeLayouts.*;
import static dev.mappedheap.structs.tree.TreeHeaderLayout.*;

import dev.mappedheap.allocator.HeapLock;
import dev.mappedheap.allocator.InvalidOffsetException;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.HeapWriter;
import dev.mappedheap.structs.StructView;
import dev.mappedheap.structs.tx.Transaction;
import dev.mappedheap.structs.tx.Transactions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A tree of named nodes, each with ordered attributes (name to value), an optional text and ordered children,
 * kept in a {@link MappedHeap} and shared by every thread and process that opens it: a document in the
 * manner of XML's DOM. Nodes are named by their offsets ({@code long}); the root exists from creation and is
 * never removed.
 *
 * <pre>{@code
 * Transactions transactions = Transactions.create(heap, 16);
 * NodeTree doc = NodeTree.create(transactions, "mailbox");
 * long folder = doc.appendChild(doc.root(), "folder");          // each call: one transaction
 * doc.setAttribute(folder, "name", "INBOX");
 * try (Transaction tx = transactions.begin()) {                  // several changes, atomic together
 *     long message = doc.insert(tx, folder, 0, NodeData.of("message").withText("Hello"));
 *     doc.setAttribute(tx, folder, "unseen", "1");
 *     tx.commit();
 * }
 * NodeData whole = doc.snapshot(doc.root());
 * }</pre>
 *
 * <p><b>Writes in proportion to the change.</b> Children form a doubly linked sibling list under each
 * parent (first and last child, a count), attributes a singly linked list under each node, and every name,
 * text and value lies in a string block of its own. So replacing a text rewrites one block in place or
 * allocates a new one and rewrites one reference; inserting a subtree writes its own blocks plus a few links
 * (the neighbours', the parent's last child and count) and the header's counts; removing one rewrites the
 * links around it and frees its blocks. No operation writes anything in proportion to the document.
 * Format: {@link TreeHeaderLayout}, {@link NodeLayouts} and {@code docs/STRUCTS-FORMAT.md}.
 *
 * <p><b>Transactions and crashes.</b> Every mutation runs in a {@link Transaction}: the methods without one
 * begin and commit their own; those taking one join the caller's, so several mutations commit together, and
 * an exception or {@link Transaction#abort()} undoes them all. A process killed at any instant leaves its
 * transaction to be rolled back by whoever takes the tree's lock next: nothing half linked, nothing leaked.
 *
 * <p><b>Many processes.</b> The header holds a robust lock word ({@link HeapLock}). Every mutation takes it
 * through {@link Transaction#lock}, holding it until the transaction ends (strict two-phase locking), and
 * every read takes it for the duration of the call, so a reader never sees a half-linked structure, in this
 * process or another. {@link #read} holds it across several reads for a consistent view. A reader that takes
 * the lock over from a dead holder first rolls the dead holder's transaction back. Locked reads were chosen
 * over optimistic version checks because an undone transaction restores the old words, a version counter
 * included, so a reader could not tell a rolled-back torn state from a quiet one.
 *
 * <p><b>Checks.</b> A node offset passed in must be a live node record of this tree
 * ({@link IllegalArgumentException} otherwise: stale, removed, or of another tree); every link read from the
 * file is checked before it is followed ({@link NodeTreeCorruptedException}), and every walk is bounded by a
 * count checked against the heap's size. {@link #check()} verifies every invariant.
 *
 * <p>Safe to share between threads of one process: each call makes its own views.
 */
public final class NodeTree {
    private final Transactions transactions;
    private final MappedHeap heap;
    private final TreeNodes nodes;
    private final HeapLock lock;

    private NodeTree(Transactions transactions, long header) {
        this.transactions = transactions;
        this.heap = transactions.heap();
        this.nodes = new TreeNodes(heap, header);
        this.lock = heap.lockAt(header + LOCK_WORD_OFFSET);
    }

    /**
     * Creates a tree whose root is named {@code rootName}, in a transaction of its own.
     *
     * @return the tree; store {@link #headerOffset()} where you will find it again (e.g. in
     *     {@link dev.mappedheap.structs.roots.NamedRoots})
     * @throws dev.mappedheap.allocator.HeapFullException if the heap cannot grow; nothing changed
     */
    public static NodeTree create(Transactions transactions, String rootName) {
        try (Transaction tx = transactions.begin()) {
            NodeTree tree = create(transactions, tx, rootName);
            tx.commit();
            return tree;
        }
    }

    /**
     * Creates a tree inside the caller's transaction: it exists only if {@code tx} commits, so it can be
     * linked into another structure atomically.
     */
    public static NodeTree create(Transactions transactions, Transaction tx, String rootName) {
        requireSameHeap(transactions, tx);
        return new NodeTree(transactions, NodeEditor.createTree(tx, rootName));
    }

    /**
     * Opens the tree whose header is at {@code headerOffset}.
     *
     * @throws NodeTreeFormatException if there is no node tree there (not a live block, too small, wrong
     *     magic, format version, header length, or node/attribute record types or versions)
     * @throws NodeTreeCorruptedException if the header checksum does not match or the root is not a node
     */
    public static NodeTree open(Transactions transactions, long headerOffset) {
        MappedHeap heap = transactions.heap();
        long usable;
        try {
            usable = heap.usableSize(headerOffset);
        } catch (InvalidOffsetException e) {
            throw new NodeTreeFormatException("no node tree here: headerOffset=" + headerOffset
                    + " is not a live heap block (" + e.getMessage() + ")", e);
        }
        if (usable < HEADER_LENGTH) {
            throw new NodeTreeFormatException("block too small for a node tree header: headerOffset=" + headerOffset
                    + " expectedSize>=" + HEADER_LENGTH + " foundSize=" + usable);
        }
        long magic = heap.readLong(headerOffset + MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new NodeTreeFormatException("not a node tree: headerOffset=" + headerOffset + " expectedMagic=0x"
                    + Long.toHexString(MAGIC) + " foundMagic=0x" + Long.toHexString(magic));
        }
        expect(heap, headerOffset, FORMAT_VERSION_OFFSET, FORMAT_VERSION, "formatVersion");
        expect(heap, headerOffset, HEADER_LENGTH_OFFSET, HEADER_LENGTH, "headerLength");
        expect(heap, headerOffset, NODE_TYPE_TAG_OFFSET, NODE.typeTag(), "nodeTypeTag");
        expect(heap, headerOffset, ATTRIBUTE_TYPE_TAG_OFFSET, ATTRIBUTE.typeTag(), "attributeTypeTag");
        expect(heap, headerOffset, NODE_VERSION_OFFSET, NODE.version(), "nodeVersion");
        expect(heap, headerOffset, ATTRIBUTE_VERSION_OFFSET, ATTRIBUTE.version(), "attributeVersion");
        long stored = heap.readLong(headerOffset + HEADER_CHECKSUM_OFFSET);
        long computed = checksum(magic, heap.readLong(headerOffset + 8), heap.readLong(headerOffset + 16),
                heap.readLong(headerOffset + 24));
        if (stored != computed) {
            throw new NodeTreeCorruptedException("node tree header checksum mismatch: headerOffset=" + headerOffset
                    + " stored=0x" + Long.toHexString(stored) + " computed=0x" + Long.toHexString(computed));
        }
        NodeTree tree = new NodeTree(transactions, headerOffset);
        tree.read(() -> {
            long root = tree.nodes.root();
            if (PARENT.get(tree.nodes.linked(NODE.newView(heap), root, headerOffset, "root")) != 0) {
                throw new NodeTreeCorruptedException("tree root has a parent: tree=" + headerOffset + " root=" + root);
            }
            return tree.nodes.nodeCount();
        });
        return tree;
    }

    private static void expect(MappedHeap heap, long header, int at, int expected, String name) {
        int found = heap.readInt(header + at);
        if (found != expected) {
            throw new NodeTreeFormatException("node tree " + name + " not supported: headerOffset=" + header
                    + " expected " + name + "=" + expected + " found " + name + "=" + found);
        }
    }

    // ---------------------------------------------------------------- shape

    /** @return the header's offset: store it to {@link #open} the tree again */
    public long headerOffset() {
        return nodes.header;
    }

    /** @return the transaction table the tree's own transactions run in */
    public Transactions transactions() {
        return transactions;
    }

    /** @return the root node; it never changes */
    public long root() {
        return read(nodes::root);
    }

    /** @return nodes in the tree, the root included */
    public long size() {
        return read(nodes::nodeCount);
    }

    /** @return attributes of all nodes together */
    public long attributeCount() {
        return read(nodes::attributeCount);
    }

    /** @return a number raised by every committed mutation: unchanged means nothing changed in between */
    public long modCount() {
        return read(nodes::modCount);
    }

    // ---------------------------------------------------------------- reads

    /**
     * Runs {@code body} holding the tree's lock, so that all the reads in it see one state of the tree (other
     * processes' mutations wait). Reentrant: the reads of this class inside it take no further lock.
     */
    public <T> T read(Supplier<T> body) {
        if (lock.lock()) {
            try {
                transactions.recoverDead(); // the dead holder's transaction goes before anyone reads
            } catch (RuntimeException | Error e) {
                lock.unlock();
                throw e;
            }
        }
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }

    /** @return the node's name */
    public String name(long node) {
        return readNode(node, view -> TreeNodes.required(NAME, view, "node name"));
    }

    /** @return the node's text, or null if it has none */
    public String text(long node) {
        return readNode(node, view -> TEXT.get(view));
    }

    /** @return the node's parent, 0 for the root */
    public long parent(long node) {
        return readNode(node, view -> PARENT.get(view));
    }

    /** @return the node's first child, 0 if it has none */
    public long firstChild(long node) {
        return readNode(node, view -> FIRST_CHILD.get(view));
    }

    /** @return the node's last child, 0 if it has none */
    public long lastChild(long node) {
        return readNode(node, view -> LAST_CHILD.get(view));
    }

    /** @return the next child of the node's parent, 0 for the last */
    public long nextSibling(long node) {
        return readNode(node, view -> NEXT_SIBLING.get(view));
    }

    /** @return the previous child of the node's parent, 0 for the first */
    public long previousSibling(long node) {
        return readNode(node, view -> PREV_SIBLING.get(view));
    }

    /** @return how many children the node has */
    public long childCount(long node) {
        return readNode(node, view -> CHILD_COUNT.get(view));
    }

    /** @return the node's children, in order */
    public long[] children(long node) {
        return readNode(node, view -> {
            long count = nodes.childCount(view);
            long[] children = new long[Math.toIntExact(count)];
            StructView child = NODE.newView(heap);
            long at = FIRST_CHILD.get(view);
            for (int i = 0; i < children.length; i++) {
                children[i] = at;
                at = NEXT_SIBLING.get(nodes.linked(child, at, node, "child"));
            }
            return children;
        });
    }

    /** @return the value of the node's attribute {@code name}, or null if it has none */
    public String attribute(long node, String name) {
        Objects.requireNonNull(name, "name");
        return readNode(node, view -> {
            StructView attribute = ATTRIBUTE.newView(heap);
            return nodes.findAttribute(view, attribute, name, new long[1]) == 0 ? null : ATTR_VALUE.get(attribute);
        });
    }

    /** @return the node's attributes, in order */
    public Map<String, String> attributes(long node) {
        return readNode(node, view -> attributesOf(view, node));
    }

    /**
     * Reads the subtree under {@code node} into Java values, holding the lock throughout. The walk is
     * iterative and bounded by the tree's node count.
     */
    public NodeData snapshot(long node) {
        return readNode(node, view -> {
            long limit = nodes.nodeCount();
            List<long[]> order = new ArrayList<>(); // {node, index of its parent in order}
            order.add(new long[] {node, -1});
            StructView at = NODE.newView(heap);
            for (int i = 0; i < order.size(); i++) {
                if (order.size() > limit) {
                    throw new NodeTreeCorruptedException("subtree larger than the tree (a cycle?): node=" + node
                            + " nodeCount=" + limit);
                }
                long current = order.get(i)[0];
                nodes.linked(at, current, node, "descendant");
                long count = nodes.childCount(at);
                long child = FIRST_CHILD.get(at);
                for (long c = 0; c < count; c++) {
                    order.add(new long[] {child, i});
                    child = NEXT_SIBLING.get(nodes.linked(view, child, current, "child"));
                }
            }
            List<List<NodeData>> children = new ArrayList<>();
            for (int i = 0; i < order.size(); i++) {
                children.add(new ArrayList<>());
            }
            NodeData result = null;
            for (int i = order.size() - 1; i >= 0; i--) { // children come after their parent in order
                nodes.linked(at, order.get(i)[0], node, "descendant");
                List<NodeData> kids = children.get(i);
                Collections.reverse(kids);
                result = new NodeData(TreeNodes.required(NAME, at, "node name"), attributesOf(at, order.get(i)[0]),
                        TEXT.get(at), kids);
                if (order.get(i)[1] >= 0) {
                    children.get((int) order.get(i)[1]).add(result);
                }
            }
            return result;
        });
    }

    private Map<String, String> attributesOf(StructView view, long node) {
        StructView attribute = ATTRIBUTE.newView(heap);
        Map<String, String> attributes = new LinkedHashMap<>();
        long count = nodes.attributeCount(view);
        long at = FIRST_ATTRIBUTE.get(view);
        for (long i = 0; i < count; i++) {
            nodes.attribute(attribute, at, node);
            attributes.put(TreeNodes.required(ATTR_NAME, attribute, "attribute name"),
                    TreeNodes.required(ATTR_VALUE, attribute, "attribute value"));
            at = ATTR_NEXT.get(attribute);
        }
        return attributes;
    }

    private <T> T readNode(long node, Function<StructView, T> body) {
        return read(() -> body.apply(nodes.member(NODE.newView(heap), node)));
    }

    // ---------------------------------------------------------------- mutations, one transaction each

    /**
     * Appends a new child named {@code name}, in a transaction of its own.
     *
     * @return the new node
     * @throws IllegalArgumentException if {@code parent} is not a node of this tree; nothing changed
     */
    public long appendChild(long parent, String name) {
        return insert(parent, 0, NodeData.of(name));
    }

    /**
     * Inserts {@code data} as a new subtree under {@code parent}, before its child {@code before} (0: at the
     * end), in a transaction of its own.
     *
     * <p>{@code data} is written depth first, one Java stack frame per level of its nesting.
     *
     * @return the new subtree's root
     * @throws IllegalArgumentException if {@code parent} is not a node of this tree or {@code before} not one
     *     of its children, or a string holds an unpaired surrogate; nothing changed
     * @throws dev.mappedheap.allocator.HeapFullException if the heap cannot grow; nothing changed
     */
    public long insert(long parent, long before, NodeData data) {
        return inTransaction(tx -> insert(tx, parent, before, data));
    }

    /**
     * Removes {@code node} and its whole subtree, freeing every block of it, in a transaction of its own.
     *
     * @return how many nodes were removed
     * @throws IllegalArgumentException if {@code node} is the root or not a node of this tree; nothing changed
     */
    public long remove(long node) {
        return inTransaction(tx -> remove(tx, node));
    }

    /**
     * Moves {@code node}'s subtree under {@code parent}, before its child {@code before} (0: at the end), in a
     * transaction of its own. Writes a few links; the subtree itself is not touched.
     *
     * @throws IllegalArgumentException if a node is not of this tree, {@code node} is the root, {@code parent}
     *     lies in {@code node}'s subtree, or {@code before} is not a child of {@code parent}; nothing changed
     */
    public void move(long node, long parent, long before) {
        inTransaction(tx -> {
            move(tx, node, parent, before);
            return null;
        });
    }

    /** Sets the node's text (null: none), in a transaction of its own. */
    public void setText(long node, String text) {
        inTransaction(tx -> {
            setText(tx, node, text);
            return null;
        });
    }

    /** Renames the node, in a transaction of its own. */
    public void rename(long node, String name) {
        inTransaction(tx -> {
            rename(tx, node, name);
            return null;
        });
    }

    /**
     * Sets an attribute (added at the end if new), in a transaction of its own.
     *
     * @return true if the attribute was new
     */
    public boolean setAttribute(long node, String name, String value) {
        return inTransaction(tx -> setAttribute(tx, node, name, value));
    }

    /**
     * Removes an attribute, in a transaction of its own.
     *
     * @return true if it was there
     */
    public boolean removeAttribute(long node, String name) {
        return inTransaction(tx -> removeAttribute(tx, node, name));
    }

    private <T> T inTransaction(Function<Transaction, T> body) {
        try (Transaction tx = transactions.begin()) {
            T result = body.apply(tx);
            tx.commit();
            return result;
        }
    }

    // ---------------------------------------------------------------- mutations in the caller's transaction

    /**
     * Inserts a subtree as part of {@code tx}, taking the tree's lock until {@code tx} ends; see
     * {@link #insert(long, long, NodeData)}.
     */
    public long insert(Transaction tx, long parent, long before, NodeData data) {
        return editor(tx, tx).insert(parent, before, data);
    }

    /** Removes a subtree as part of {@code tx}; see {@link #remove(long)}. The blocks are freed at commit. */
    public long remove(Transaction tx, long node) {
        return editor(tx, tx).remove(node);
    }

    /** Moves a subtree as part of {@code tx}; see {@link #move(long, long, long)}. */
    public void move(Transaction tx, long node, long parent, long before) {
        editor(tx, tx).move(node, parent, before);
    }

    /** Sets the node's text (null: none) as part of {@code tx}. */
    public void setText(Transaction tx, long node, String text) {
        editor(tx, tx).setText(node, text);
    }

    /** Renames the node as part of {@code tx}. */
    public void rename(Transaction tx, long node, String name) {
        editor(tx, tx).rename(node, name);
    }

    /** Sets an attribute as part of {@code tx}. @return true if it was new */
    public boolean setAttribute(Transaction tx, long node, String name, String value) {
        return editor(tx, tx).setAttribute(node, name, value);
    }

    /** Removes an attribute as part of {@code tx}. @return true if it was there */
    public boolean removeAttribute(Transaction tx, long node, String name) {
        return editor(tx, tx).removeAttribute(node, name);
    }

    /**
     * Locks the tree for {@code tx} and returns an editor writing through {@code writer} (which must write
     * through {@code tx}, e.g. a wrapper of it that counts bytes).
     */
    NodeEditor editor(Transaction tx, HeapWriter writer) {
        requireSameHeap(transactions, tx);
        tx.lock(nodes.header + LOCK_WORD_OFFSET);
        return new NodeEditor(nodes, writer);
    }

    private static void requireSameHeap(Transactions transactions, Transaction tx) {
        if (tx.heap() != transactions.heap()) {
            throw new IllegalArgumentException("the transaction is of another heap: tx heap=" + tx.heap()
                    + " tree heap=" + transactions.heap());
        }
    }

    // ---------------------------------------------------------------- integrity

    /**
     * Verifies every invariant (see {@link NodeTreeCheckReport}), holding the lock; read-only, O(n), bounded on
     * a damaged tree. Call {@link NodeTreeCheckReport#orThrow()} to turn problems into an exception.
     */
    public NodeTreeCheckReport check() {
        return read(() -> new NodeTreeChecker(nodes).run());
    }

    /** Describes the tree from its offsets, without reading the heap; never throws. */
    @Override
    public String toString() {
        return "NodeTree{header=" + nodes.header + " heap=" + heap.file() + "}";
    }
}
