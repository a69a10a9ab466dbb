// Structs layer, map: the HeapWriter that writes straight to the heap, with no log.
package dev.mappedheap.structs.map;

import dev.mappedheap.allocator.MappedHeap;
import java.util.Objects;

/**
 * A {@link HeapWriter} that applies every change directly to a {@link MappedHeap}. Raw writes are not
 * journaled (see {@link MappedHeap}); allocate and free are each atomic on their own.
 */
public final class DirectHeapWriter implements HeapWriter {
    private final MappedHeap heap;

    /** @param heap the heap every change is applied to */
    public DirectHeapWriter(MappedHeap heap) {
        this.heap = Objects.requireNonNull(heap, "heap");
    }

    @Override
    public void writeLong(long offset, long value) {
        heap.writeLong(offset, value);
    }

    @Override
    public void writeInt(long offset, int value) {
        heap.writeInt(offset, value);
    }

    @Override
    public void write(long offset, byte[] src, int from, int length) {
        heap.write(offset, src, from, length);
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
    public void free(long offset) {
        heap.free(offset);
    }

    @Override
    public String toString() {
        return "DirectHeapWriter{" + heap.file() + "}";
    }
}
