// Structs layer: the plain mutation seam, straight onto the heap.
package dev.mappedheap.structs;

import dev.mappedheap.allocator.MappedHeap;
import java.util.Objects;

/** {@link HeapWriter} that applies every call to the heap at once; each method is one call, so it inlines. */
final class DirectHeapWriter implements HeapWriter {
    private final MappedHeap heap;

    DirectHeapWriter(MappedHeap heap) {
        this.heap = Objects.requireNonNull(heap, "heap");
    }

    @Override
    public MappedHeap heap() {
        return heap;
    }

    @Override
    public void writeByte(long offset, byte value) {
        heap.writeByte(offset, value);
    }

    @Override
    public void writeInt(long offset, int value) {
        heap.writeInt(offset, value);
    }

    @Override
    public void writeLong(long offset, long value) {
        heap.writeLong(offset, value);
    }

    @Override
    public void write(long offset, byte[] src, int from, int len) {
        heap.write(offset, src, from, len);
    }

    @Override
    public void copy(long fromOffset, long toOffset, long length) {
        heap.copy(fromOffset, toOffset, length);
    }

    @Override
    public long allocate(long size) {
        return heap.allocate(size);
    }

    @Override
    public long reallocate(long offset, long newSize) {
        return heap.reallocate(offset, newSize);
    }

    @Override
    public void free(long offset) {
        heap.free(offset);
    }

    @Override
    public String toString() {
        return "DirectHeapWriter{" + heap + "}";
    }
}
