// Structs layer, map: the public face of the counted B+-tree that lives in a MappedHeap.
package dev.mappedheap.structs.map;

import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.HeapWriter;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * An ordered map from {@code long} keys (signed order, the whole range) to fixed-width inline values, kept in
 * a {@link MappedHeap} as a counted B+-tree, and found again after a restart from its header offset.
 *
 * <pre>{@code
 * OrderedLongMap uids = OrderedLongMap.create(heap, 8);    // 8-byte values
 * heap.setRoot(uids.headerOffset());
 * uids.put(4711, modseq);
 * long seq = uids.rank(4711) + 1;                           // IMAP sequence number of UID 4711
 * long uid = uids.select(seq - 1);                          // and back
 * // after a restart:
 * OrderedLongMap again = OrderedLongMap.open(heap, heap.root());
 * }</pre>
 *
 * <p><b>Shape.</b> Nodes are heap blocks of one size fixed at creation ({@link #DEFAULT_NODE_SIZE} unless
 * given), entries sorted by key with each value inline beside its key, searched in a few rounds of
 * independent loads; branches carry one
 * subtree count per child, so {@link #rank} and {@link #select} take one root-to-leaf walk, and leaves are
 * linked both ways for {@link MapCursor} and {@link #forEach}. Format: {@link MapHeaderLayout},
 * {@link NodeLayout} and {@code docs/MAP-FORMAT.md}.
 *
 * <p><b>Gets on big maps.</b> After enough lookups the map object keeps a process-local index of its leaves
 * (first key and offset of each, a few bytes per 40 entries, see {@code LeafIndex}), so a get searches
 * that array and reads the file only at the leaf: one cache and TLB miss instead of one per level. The index
 * is used while the header's {@code structureVersion} (moved on by every node allocation and free) is the
 * one it was built at, and only as a hint: a lookup it cannot settle walks from the root.
 *
 * <p><b>Writes.</b> Every change goes through the {@link HeapWriter} given at create/open (by default a
 * {@link HeapWriter#direct}): a {@code put} of a new key without a split writes the shifted tail of one leaf
 * (one copy: each value sits beside its key), the key, the value, the leaf's count, one subtree count per
 * level and the size, i.e. at most {@code nodeSize + 8 * height + 32} bytes and half a leaf on average; replacing a value writes only the value; a split or merge
 * adds about half a node per level it reaches. Nothing here is journaled: a crash in the middle of a
 * mutation can leave the tree inconsistent until transactions (a {@code HeapWriter} that logs) come.
 *
 * <p><b>Checks.</b> Everything read from the file is checked before it is trusted: the header once at
 * {@link #open} and its changing words on every call; every node's tag, level and count when a walk enters
 * it; every walk is bounded by the height and every leaf-chain walk by the size. A damaged map gives
 * {@link MapCorruptedException}, never a loop or an access outside the heap; {@link #check()} verifies every
 * invariant.
 *
 * <p><b>Threads.</b> Not thread-safe for writers: one thread mutates at a time, and no reader may run
 * during a mutation (the reserved lock word in the header is for that later work). Readers without a writer
 * may share the map object; each needs its own {@link MapCursor}. The map object belongs to one
 * {@code MappedHeap} instance, which is open in one process at a time.
 */
public final class OrderedLongMap {
    /** What {@link #valueOffset} returns for a key that is not in the map (no heap offset is negative). */
    public static final long ABSENT = -1;
    /**
     * Node size used when none is given. On 1,000,000 random keys ({@code OrderedMapBench}, see
     * {@code jmh/README.md}) 1 KiB and 4 KiB nodes gave gets within the machine's noise of each other; 1 KiB
     * moves a quarter of the bytes per insert or remove, which is what a logging {@link HeapWriter} pays for.
     */
    public static final int DEFAULT_NODE_SIZE = 1024;

    private final MappedHeap heap;
    private final MapHeader header;
    private final NodeGeometry geometry;
    private final NodeReader nodes;
    private final TreeReader tree;
    private final Insertion insertion;
    private final Removal removal;
    private final HeapWriter writer;
    /** Inserts and removes through this object, so cursors can notice that they are stale. */
    private int modifications;

    private OrderedLongMap(MappedHeap heap, HeapWriter writer, MapHeader header, boolean buildsIndex) {
        this.heap = heap;
        this.writer = writer;
        this.header = header;
        this.geometry = header.geometry();
        this.nodes = new NodeReader(heap, geometry);
        this.tree = new TreeReader(nodes, header, buildsIndex);
        NodeWriter nodeWriter = new NodeWriter(writer, nodes, header);
        this.insertion = new Insertion(nodes, nodeWriter, header);
        this.removal = new Removal(nodes, nodeWriter, header);
    }

    /**
     * Creates an empty map with values of {@code valueWidth} bytes and the default node size.
     *
     * @throws IllegalArgumentException if {@code valueWidth} is outside 1..{@link MapHeaderLayout#MAX_VALUE_WIDTH}
     *     or too wide for the default node size
     * @throws dev.mappedheap.allocator.HeapFullException if the heap cannot hold the header and root
     */
    public static OrderedLongMap create(MappedHeap heap, int valueWidth) {
        return create(heap, valueWidth, DEFAULT_NODE_SIZE);
    }

    /**
     * Creates an empty map with values of {@code valueWidth} bytes in nodes of {@code nodeSize} bytes.
     *
     * @param nodeSize a multiple of 64 in {@value MapHeaderLayout#MIN_NODE_SIZE}..{@value
     *     MapHeaderLayout#MAX_NODE_SIZE} whose leaves hold at least 4 entries
     * @throws IllegalArgumentException if the width or node size is out of range
     */
    public static OrderedLongMap create(MappedHeap heap, int valueWidth, int nodeSize) {
        return create(heap, HeapWriter.direct(heap), valueWidth, nodeSize);
    }

    /**
     * Creates an empty map whose every change, the creation included, goes through {@code writer}.
     *
     * @throws IllegalArgumentException if the width or node size is out of range
     */
    public static OrderedLongMap create(MappedHeap heap, HeapWriter writer, int valueWidth, int nodeSize) {
        Objects.requireNonNull(heap, "heap");
        Objects.requireNonNull(writer, "writer");
        return new OrderedLongMap(heap, writer, MapHeader.create(heap, writer, valueWidth, nodeSize), true);
    }

    /**
     * Opens the map whose header is at {@code headerOffset} (its {@link #headerOffset()} when created).
     *
     * @throws MapFormatException if there is no map header there (not a live block, too small, wrong magic,
     *     unsupported version)
     * @throws MapCorruptedException if the header or the root node contradicts itself
     */
    public static OrderedLongMap open(MappedHeap heap, long headerOffset) {
        return open(heap, HeapWriter.direct(heap), headerOffset);
    }

    /**
     * Opens a map whose changes will go through {@code writer}.
     *
     * @throws MapFormatException if there is no map header at {@code headerOffset}
     * @throws MapCorruptedException if the header or the root node contradicts itself
     */
    public static OrderedLongMap open(MappedHeap heap, HeapWriter writer, long headerOffset) {
        Objects.requireNonNull(heap, "heap");
        Objects.requireNonNull(writer, "writer");
        return new OrderedLongMap(heap, writer, MapHeader.open(heap, writer, headerOffset), true);
    }

    /**
     * Opens a map for readers that may run while another process writes: lookups never build the leaf index
     * themselves (a build during a write could capture a torn chain); the owner builds it with
     * {@link #buildLeafIndex} under its own consistency check and installs it with {@link #installLeafIndex}.
     */
    static OrderedLongMap openForOptimisticReads(MappedHeap heap, long headerOffset) {
        return new OrderedLongMap(heap, HeapWriter.direct(heap), MapHeader.open(heap, HeapWriter.direct(heap),
                headerOffset), false);
    }

    /** @return true when lookups have gone without a current leaf index long enough to build one */
    boolean leafIndexWanted() {
        return tree.indexWanted();
    }

    /** @return a leaf index of the map as it is now (null if empty); see {@link #openForOptimisticReads} */
    LeafIndex buildLeafIndex() {
        return LeafIndex.build(nodes, header, tree);
    }

    /** @return true if gets go through a leaf index of the map as it is now */
    boolean hasCurrentLeafIndex() {
        return tree.hasCurrentIndex();
    }

    void installLeafIndex(LeafIndex index) {
        tree.installIndex(index);
    }

    // ---------------------------------------------------------------- shape

    /** @return the header's offset: store it (e.g. with {@link MappedHeap#setRoot}) to {@link #open} the map again */
    public long headerOffset() {
        return header.offset();
    }

    /** @return bytes of every value */
    public int valueWidth() {
        return geometry.valueWidth;
    }

    /** @return bytes of every node */
    public int nodeSize() {
        return geometry.nodeSize;
    }

    /** @return levels of nodes: 1 while the root is a leaf */
    public int height() {
        return header.height();
    }

    /** @return the number of entries */
    public long size() {
        return header.size();
    }

    /** @return true if the map has no entries */
    public boolean isEmpty() {
        return size() == 0;
    }

    // ---------------------------------------------------------------- point operations

    /**
     * @return the heap offset of {@code key}'s inline value ({@link #valueWidth()} bytes, valid until the
     *     next change of the map), or {@link #ABSENT}
     */
    public long valueOffset(long key) {
        return tree.valueOffset(key);
    }

    /** @return true if {@code key} is in the map */
    public boolean containsKey(long key) {
        return tree.valueOffset(key) != ABSENT;
    }

    /**
     * @return {@code key}'s value, or {@code missing} if the key is absent
     * @throws IllegalStateException if values are not 8 bytes wide
     */
    public long get(long key, long missing) {
        requireLongValues();
        long at = tree.valueOffset(key);
        return at == ABSENT ? missing : heap.readLong(at);
    }

    /**
     * Copies {@code key}'s value into {@code dst}.
     *
     * @return false (and {@code dst} untouched) if the key is absent
     * @throws IllegalArgumentException if {@code dst.length != valueWidth()}
     */
    public boolean get(long key, byte[] dst) {
        requireValueLength(dst.length);
        long at = tree.valueOffset(key);
        if (at == ABSENT) {
            return false;
        }
        heap.read(at, dst, 0, dst.length);
        return true;
    }

    /**
     * Inserts {@code key} or replaces its value.
     *
     * @return true if the key was new
     * @throws IllegalStateException if values are not 8 bytes wide
     * @throws dev.mappedheap.allocator.HeapFullException if a split needs a node the heap cannot give
     */
    public boolean put(long key, long value) {
        requireLongValues();
        long at = insertion.slotFor(key);
        writer.writeLong(at, value);
        return counted(insertion.inserted());
    }

    /**
     * Inserts {@code key} or replaces its value with the bytes of {@code value}.
     *
     * @return true if the key was new
     * @throws IllegalArgumentException if {@code value.length != valueWidth()}
     */
    public boolean put(long key, byte[] value) {
        requireValueLength(value.length);
        long at = insertion.slotFor(key);
        writer.write(at, value, 0, value.length);
        return counted(insertion.inserted());
    }

    /**
     * Removes {@code key}; a node left emptied is freed.
     *
     * @return true if the key was present
     */
    public boolean remove(long key) {
        return counted(removal.remove(key));
    }

    private boolean counted(boolean structural) {
        if (structural) {
            modifications++;
        }
        return structural;
    }

    // ---------------------------------------------------------------- order

    /** @return the number of keys {@code < key}: for a key in the map, its 0-based position */
    public long rank(long key) {
        return tree.rank(key);
    }

    /**
     * @return the {@code index}-th smallest key, from 0
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
     */
    public long select(long index) {
        LeafPosition at = new LeafPosition();
        tree.seekIndex(index, at);
        return nodes.leafKey(at.leaf, at.slot);
    }

    /** @throws NoSuchElementException if the map is empty */
    public long firstKey() {
        MapCursor c = cursor();
        if (!c.seekFirst()) {
            throw new NoSuchElementException("map is empty");
        }
        return c.key();
    }

    /** @throws NoSuchElementException if the map is empty */
    public long lastKey() {
        MapCursor c = cursor();
        if (!c.seekLast()) {
            throw new NoSuchElementException("map is empty");
        }
        return c.key();
    }

    /** @return the largest key {@code <= key}, if any */
    public OptionalLong floorKey(long key) {
        MapCursor c = cursor();
        return c.seekFloor(key) ? OptionalLong.of(c.key()) : OptionalLong.empty();
    }

    /** @return the smallest key {@code >= key}, if any */
    public OptionalLong ceilingKey(long key) {
        MapCursor c = cursor();
        return c.seekCeiling(key) ? OptionalLong.of(c.key()) : OptionalLong.empty();
    }

    /** @return the largest key {@code < key}, if any */
    public OptionalLong lowerKey(long key) {
        MapCursor c = cursor();
        return c.seekLower(key) ? OptionalLong.of(c.key()) : OptionalLong.empty();
    }

    /** @return the smallest key {@code > key}, if any */
    public OptionalLong higherKey(long key) {
        MapCursor c = cursor();
        return c.seekHigher(key) ? OptionalLong.of(c.key()) : OptionalLong.empty();
    }

    /** @return a new cursor, not yet on any entry; reuse it to walk without allocating */
    public MapCursor cursor() {
        return new MapCursor(this, tree, nodes);
    }

    /**
     * Calls {@code visitor} for every entry with {@code from <= key <= to}, in ascending order, until it
     * returns false. Allocates one cursor per call, nothing per entry. The visitor must not change the map
     * ({@link java.util.ConcurrentModificationException} on the next step if it inserts or removes).
     *
     * @return the number of entries visited
     */
    public long forEach(long from, long to, EntryVisitor visitor) {
        Objects.requireNonNull(visitor, "visitor");
        long visited = 0;
        if (from > to) {
            return 0;
        }
        MapCursor c = cursor();
        for (boolean on = c.seekCeiling(from); on; on = c.next()) {
            long key = c.key();
            if (key > to) {
                break;
            }
            visited++;
            if (!visitor.visit(key, c.valueOffset())) {
                break;
            }
        }
        return visited;
    }

    // ---------------------------------------------------------------- integrity

    /**
     * Verifies every invariant of the tree (see {@link MapCheckReport}); read-only, O(n), safe on a damaged
     * map. Call {@link MapCheckReport#orThrow()} to turn problems into an exception.
     */
    public MapCheckReport check() {
        return new TreeChecker(nodes, header).run();
    }

    int modifications() {
        return modifications;
    }

    void requireLongValues() {
        if (geometry.valueWidth != Long.BYTES) {
            throw new IllegalStateException("long values need a map of 8-byte values: valueWidth=" + geometry.valueWidth);
        }
    }

    void requireValueLength(int length) {
        if (length != geometry.valueWidth) {
            throw new IllegalArgumentException("value length must equal the map's value width: length=" + length
                    + " valueWidth=" + geometry.valueWidth);
        }
    }

    /** Never throws, even on a damaged or closed heap. */
    @Override
    public String toString() {
        String shape;
        try {
            shape = " size=" + size() + " height=" + height();
        } catch (RuntimeException e) {
            shape = " (unreadable: " + e.getMessage() + ")";
        }
        return "OrderedLongMap{headerOffset=" + header.offset() + " " + geometry + shape + "}";
    }
}
