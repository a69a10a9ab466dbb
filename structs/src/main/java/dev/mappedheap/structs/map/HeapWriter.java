// Structs layer, map: the one door through which the map changes the heap.
package dev.mappedheap.structs.map;

/**
 * Every change an {@link OrderedLongMap} makes to the heap goes through this interface: word writes, value
 * bytes, in-heap copies, and block allocation and release. Reads go straight to the
 * {@link dev.mappedheap.allocator.MappedHeap}.
 *
 * <p>This is the seam for transactions: an implementation that records each written range's before-image
 * (an undo log) can make a whole {@code put} or {@code remove} atomic without the map knowing. The map keeps
 * the written bytes proportional to the change: a {@code put} without a split writes the shifted tail of one
 * leaf (one {@link #copy}: keys and values are interleaved), the new key and value, the node's count, one subtree
 * count per level and the map's size; a split adds one new node's worth of moved entries per split level.
 *
 * <p>Implementations need not be thread-safe: a map performs one mutation at a time.
 */
public interface HeapWriter {
    /** Writes 8 bytes at {@code offset}. */
    void writeLong(long offset, long value);

    /** Writes 4 bytes at {@code offset}. */
    void writeInt(long offset, int value);

    /** Writes {@code length} bytes of {@code src} from index {@code from} at {@code offset}. */
    void write(long offset, byte[] src, int from, int length);

    /** Copies {@code length} bytes inside the heap; the ranges may overlap (memmove). */
    void copy(long fromOffset, long toOffset, long length);

    /**
     * Allocates a block of at least {@code size} bytes.
     *
     * @return the block's offset, never 0
     */
    long allocate(long size);

    /** Frees a block returned by {@link #allocate}. */
    void free(long offset);
}
