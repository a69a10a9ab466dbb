// Structs layer: the one seam every mutation made through a struct view passes.
package dev.mappedheap.structs;

import dev.mappedheap.allocator.MappedHeap;

/**
 * Every change a {@link StructView}, a field or a {@link StructLayout} makes to the heap goes through one of
 * these methods: field writes, header writes, and the allocation and freeing of struct, string and
 * byte-string blocks. Reads go straight to {@link #heap()}.
 *
 * <p>This is the seam a transaction hooks into: an implementation may record the old bytes before each
 * write, or defer frees until commit. {@link #direct} is the plain one, which applies each call to the heap
 * at once; the methods have the contracts of the {@link MappedHeap} methods of the same names.
 *
 * <p>Thread safety is that of the implementation; the direct writer is as thread-safe as the heap.
 */
public interface HeapWriter {

    /** @return the heap written to, which readers read from directly */
    MappedHeap heap();

    /** Writes 1 byte, as {@link MappedHeap#writeByte}. */
    void writeByte(long offset, byte value);

    /** Writes 4 bytes, as {@link MappedHeap#writeInt}. */
    void writeInt(long offset, int value);

    /** Writes 8 bytes, as {@link MappedHeap#writeLong}. */
    void writeLong(long offset, long value);

    /** Writes {@code len} bytes of {@code src} from index {@code from}, as {@link MappedHeap#write}. */
    void write(long offset, byte[] src, int from, int len);

    /** Allocates a block, as {@link MappedHeap#allocate}. */
    /**
     * Copies {@code length} bytes inside the heap, from {@code fromOffset} to {@code toOffset}; the ranges may
     * overlap. Changes the destination range only.
     */
    void copy(long fromOffset, long toOffset, long length);

    long allocate(long size);

    /** Resizes a block, possibly moving it, as {@link MappedHeap#reallocate}. */
    long reallocate(long offset, long newSize);

    /** Frees a block, as {@link MappedHeap#free}. */
    void free(long offset);

    /**
     * @param heap the heap to write to
     * @return a writer that applies every call to {@code heap} directly
     */
    static HeapWriter direct(MappedHeap heap) {
        return new DirectHeapWriter(heap);
    }
}
