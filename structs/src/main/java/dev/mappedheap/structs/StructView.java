// Structs layer: the flyweight: one struct at a time, re-pointed without allocating.
package dev.mappedheap.structs;

import dev.mappedheap.allocator.InvalidOffsetException;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.allocator.internal.BoundRange;
import java.util.Objects;

/**
 * A flyweight over one struct of one layout at a time: {@link #wrap} points it at a record, checking once that
 * the record is a live block holding a whole struct of this layout; the field handles of the layout then read
 * and write it at close to the cost of raw heap access. Neither wrapping nor field access allocates.
 *
 * <pre>{@code
 * StructView envelope = ENVELOPE.newView(heap);
 * long sum = 0;
 * for (long offset : offsets) {
 *     sum += UID.get(envelope.wrap(offset));
 * }
 * }</pre>
 *
 * <p><b>What the check covers.</b> Wrapping checks the block and the struct header (see
 * {@link StructLayout}); a failed wrap leaves the view unwrapped. It also binds the view to the record's
 * memory ({@link MappedHeap#bind}): after that each access is only checked against the record's size and
 * goes straight to memory, without the walk from the heap to its current mapping that a
 * {@link MappedHeap#readLong} makes. Freeing the struct (through this view or another) while the view is
 * wrapped leaves it pointing at a freed block, whose reads return whatever is there and whose writes may
 * damage the heap's free lists (which the allocator then reports as corruption). Re-wrap after a struct
 * may have been freed, moved by {@link StructLayout#upgrade}, or the heap reopened. A view kept past its
 * heap's {@link MappedHeap#close close} never faults (the mapping is replaced by scratch pages, not
 * unmapped), but reads zeros and writes nowhere; wrapping it again throws.
 *
 * <p><b>Threads.</b> A view is for one thread at a time; make one per thread (they are small). The struct
 * itself may be read through views in many threads if the writers order their accesses.
 */
public final class StructView extends BoundRange {
    final StructLayout layout;
    final MappedHeap heap;
    final HeapWriter writer;
    long offset;
    /** The record's size; 0 while not wrapped, so every field access then takes the slow path and throws. */
    int size;
    int version;

    /** Writes go straight to the bound record rather than through {@link #writer}: nothing to log. */
    private final boolean direct;

    StructView(StructLayout layout, HeapWriter writer) {
        this.layout = layout;
        this.writer = writer;
        this.heap = Objects.requireNonNull(writer.heap(), "writer.heap()");
        this.direct = writer instanceof DirectHeapWriter;
    }

    /**
     * Points the view at the struct at {@code offset}, which must be the start of a live block holding a
     * whole record of this layout (a version this layout reads). Allocates nothing unless it throws.
     *
     * @return this view
     * @throws InvalidOffsetException if {@code offset} is 0, not the start of a live block (freed, inside a
     *     block, past the file); the view is left unwrapped
     * @throws StructMismatchException if the block does not hold a record of this layout (type tag, version
     *     out of range, size not matching the version or larger than the block); the view is left unwrapped
     */
    public StructView wrap(long offset) {
        this.size = 0;
        this.version = 0;
        this.offset = 0;
        unbind();
        int recordSize = layout.checkRecord(heap, offset);
        int recordVersion = heap.readInt(offset + StructHeaderLayout.VERSION_OFFSET);
        heap.bind(this, offset, recordSize);
        this.version = recordVersion;
        this.offset = offset;
        this.size = recordSize;
        return this;
    }

    // The field handles' accessors: at an offset inside the record, which each handle has checked against
    // the record's size (BoundRange checks it again, a compare the JIT folds with the handle's).

    long longAt(int fieldOffset) {
        return readLongAt(fieldOffset);
    }

    int intAt(int fieldOffset) {
        return readIntAt(fieldOffset);
    }

    byte byteAt(int fieldOffset) {
        return readByteAt(fieldOffset);
    }

    void putLong(int fieldOffset, long value) {
        if (direct) {
            writeLongAt(fieldOffset, value);
        } else {
            writer.writeLong(offset + fieldOffset, value);
        }
    }

    void putInt(int fieldOffset, int value) {
        if (direct) {
            writeIntAt(fieldOffset, value);
        } else {
            writer.writeInt(offset + fieldOffset, value);
        }
    }

    void putByte(int fieldOffset, byte value) {
        if (direct) {
            writeByteAt(fieldOffset, value);
        } else {
            writer.writeByte(offset + fieldOffset, value);
        }
    }

    /** @return whether the view is wrapped at a record */
    public boolean isWrapped() {
        return size != 0;
    }

    /** @return the offset of the struct the view is wrapped at; 0 when not wrapped */
    public long offset() {
        return offset;
    }

    /** @return the version that wrote the record (older, equal or newer than the layout's); 0 when not wrapped */
    public int recordVersion() {
        return version;
    }

    /** @return bytes of the record as written, its header included; 0 when not wrapped */
    public int recordSize() {
        return size;
    }

    /** @return the view's layout */
    public StructLayout layout() {
        return layout;
    }

    /** @return the writer every change made through this view goes through */
    public HeapWriter writer() {
        return writer;
    }

    /** Describes the view from what it holds, without reading the heap; never throws. */
    @Override
    public String toString() {
        return "StructView{" + layout.name() + " v" + layout.version()
                + (isWrapped() ? " offset=" + offset + " recordVersion=" + version + " recordSize=" + size
                        : " not wrapped")
                + "}";
    }
}
