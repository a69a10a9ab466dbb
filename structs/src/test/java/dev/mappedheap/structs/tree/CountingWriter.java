package dev.mappedheap.structs.tree;

import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.HeapWriter;

/** A {@link HeapWriter} that passes every call on and counts the bytes written, blocks allocated and freed. */
final class CountingWriter implements HeapWriter {
    private final HeapWriter target;
    long bytes;
    long allocations;
    long frees;

    CountingWriter(HeapWriter target) {
        this.target = target;
    }

    @Override
    public MappedHeap heap() {
        return target.heap();
    }

    @Override
    public void writeByte(long offset, byte value) {
        bytes += 1;
        target.writeByte(offset, value);
    }

    @Override
    public void writeInt(long offset, int value) {
        bytes += 4;
        target.writeInt(offset, value);
    }

    @Override
    public void writeLong(long offset, long value) {
        bytes += 8;
        target.writeLong(offset, value);
    }

    @Override
    public void write(long offset, byte[] src, int from, int len) {
        bytes += len;
        target.write(offset, src, from, len);
    }

    @Override
    public void copy(long fromOffset, long toOffset, long length) {
        bytes += length;
        target.copy(fromOffset, toOffset, length);
    }

    @Override
    public long allocate(long size) {
        allocations++;
        return target.allocate(size);
    }

    @Override
    public long reallocate(long offset, long newSize) {
        allocations++;
        frees++;
        return target.reallocate(offset, newSize);
    }

    @Override
    public void free(long offset) {
        frees++;
        target.free(offset);
    }
}
