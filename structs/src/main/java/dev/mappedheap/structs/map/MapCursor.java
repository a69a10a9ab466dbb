// Structs layer, map: a movable position in key order, allocation-free per entry.
package dev.mappedheap.structs.map;

import java.util.ConcurrentModificationException;

/**
 * A position on one entry of an {@link OrderedLongMap}, moved by seeks (by key or by index) and by
 * {@link #next()}/{@link #previous()} along the leaf chain. Nothing is allocated per entry. A cursor is
 * invalid until a seek succeeds and after a move runs off either end.
 *
 * <pre>{@code
 * MapCursor c = map.cursor();
 * for (boolean ok = c.seekCeiling(from); ok && c.key() <= to; ok = c.next()) {
 *     use(c.key(), c.longValue());
 * }
 * }</pre>
 *
 * <p>An insert or remove through the same map object invalidates the cursor: its next move or read throws
 * {@link ConcurrentModificationException} (replacing a value does not). Moves are bounded: a walk that
 * crosses more leaves than the map has entries reports a looping leaf chain ({@link MapCorruptedException}).
 * Not thread-safe; use one cursor per thread.
 */
public final class MapCursor {
    private final OrderedLongMap map;
    private final TreeReader tree;
    private final NodeReader nodes;
    private final LeafPosition at = new LeafPosition();
    private boolean valid;
    private int expectedModifications;
    private long leafMoves;

    MapCursor(OrderedLongMap map, TreeReader tree, NodeReader nodes) {
        this.map = map;
        this.tree = tree;
        this.nodes = nodes;
    }

    /** @return true if the map is not empty; then the cursor is on its smallest key */
    public boolean seekFirst() {
        start();
        tree.seekEdge(false, at);
        return settleForward();
    }

    /** @return true if the map is not empty; then the cursor is on its largest key */
    public boolean seekLast() {
        start();
        tree.seekEdge(true, at);
        return valid = at.count > 0;
    }

    /** @return true if some key is {@code >= key}; then the cursor is on the smallest such key */
    public boolean seekCeiling(long key) {
        start();
        tree.seekKey(key, at);
        return settleForward();
    }

    /** @return true if some key is {@code > key}; then the cursor is on the smallest such key */
    public boolean seekHigher(long key) {
        if (!seekCeiling(key)) {
            return false;
        }
        return key() != key || next();
    }

    /** @return true if some key is {@code <= key}; then the cursor is on the largest such key */
    public boolean seekFloor(long key) {
        start();
        tree.seekKey(key, at);
        if (at.slot < at.count && nodes.leafKey(at.leaf, at.slot) == key) {
            return valid = true;
        }
        return stepBack();
    }

    /** @return true if some key is {@code < key}; then the cursor is on the largest such key */
    public boolean seekLower(long key) {
        start();
        tree.seekKey(key, at);
        return stepBack();
    }

    /**
     * Moves to the entry of rank {@code index} (the {@code index}-th smallest key, from 0), in O(log n).
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < map.size()}
     */
    public void seekIndex(long index) {
        start();
        tree.seekIndex(index, at);
        valid = true;
    }

    /** @return true if the cursor moved to the next larger key, false (and invalid) at the end */
    public boolean next() {
        checkValid();
        if (++at.slot < at.count) {
            return true;
        }
        return settleForward();
    }

    /** @return true if the cursor moved to the next smaller key, false (and invalid) at the start */
    public boolean previous() {
        checkValid();
        return stepBack();
    }

    /** @return whether the cursor is on an entry */
    public boolean isValid() {
        return valid && expectedModifications == map.modifications();
    }

    /** @return the current entry's key */
    public long key() {
        checkValid();
        return nodes.leafKey(at.leaf, at.slot);
    }

    /** @return the heap offset of the current entry's value; valid until the map is next changed */
    public long valueOffset() {
        checkValid();
        return nodes.geometry.value(at.leaf, at.slot);
    }

    /**
     * @return the current entry's 8-byte value
     * @throws IllegalStateException if the map's values are not 8 bytes wide
     */
    public long longValue() {
        map.requireLongValues();
        return nodes.heap.readLong(valueOffset());
    }

    /**
     * Copies the current entry's value into {@code dst}.
     *
     * @throws IllegalArgumentException if {@code dst.length} is not the map's value width
     */
    public void value(byte[] dst) {
        map.requireValueLength(dst.length);
        nodes.heap.read(valueOffset(), dst, 0, dst.length);
    }

    private void start() {
        expectedModifications = map.modifications();
        leafMoves = 0;
        valid = false;
    }

    private void checkValid() {
        if (!valid) {
            throw new IllegalStateException("cursor is not on an entry: seek first, or the last move ran off the end");
        }
        if (expectedModifications != map.modifications()) {
            valid = false;
            throw new ConcurrentModificationException("the map was changed after this cursor was positioned");
        }
    }

    /** From a slot that may be past the leaf's end, moves on to the first slot that holds an entry. */
    private boolean settleForward() {
        while (at.slot >= at.count) {
            long next = nodes.next(at.leaf);
            if (next == 0) {
                return valid = false;
            }
            enterLeaf(next);
            at.slot = 0;
        }
        return valid = true;
    }

    /** Moves to the slot before the current one, into the previous leaf if need be. */
    private boolean stepBack() {
        while (--at.slot < 0) {
            long prev = nodes.prev(at.leaf);
            if (prev == 0) {
                return valid = false;
            }
            enterLeaf(prev);
            at.slot = at.count;
        }
        return valid = true;
    }

    private void enterLeaf(long leaf) {
        if (++leafMoves > map.size()) {
            throw new MapCorruptedException("map leaf chain is longer than the map (a loop?): leaf=" + leaf
                    + " size=" + map.size() + " headerOffset=" + map.headerOffset());
        }
        int count = nodes.count(leaf, 0);
        if (count == 0) {
            throw new MapCorruptedException("empty leaf in the leaf chain: leaf=" + leaf + " headerOffset="
                    + map.headerOffset());
        }
        at.leaf = leaf;
        at.count = count;
    }
}
