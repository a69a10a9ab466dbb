// Structs layer: a field that owns a variable-length value in a block of its own (strings, byte strings).
package dev.mappedheap.structs;

import static dev.mappedheap.structs.BlobLayout.DATA_OFFSET;
import static dev.mappedheap.structs.BlobLayout.HEADER_LENGTH;
import static dev.mappedheap.structs.BlobLayout.KIND_OFFSET;
import static dev.mappedheap.structs.BlobLayout.LENGTH_OFFSET;

import dev.mappedheap.allocator.InvalidOffsetException;
import dev.mappedheap.allocator.MappedHeap;
import java.util.Objects;

/**
 * A field holding the offset of a block of its own ({@link BlobLayout}) with a variable-length value, 0 for
 * null. The struct owns that block: setting a new value rewrites it in place when it fits (and is not much
 * larger than needed), otherwise allocates a new block, points the field at it and frees the old one; setting
 * null and {@link StructLayout#free freeing the struct} free it. A record that predates the field reads as
 * null.
 *
 * <p>Every reference read from the file is checked before its block is read: it must be a live block
 * ({@link MappedHeap#usableSize}), of this field's kind, with a length that fits it; otherwise
 * {@link StructMismatchException} naming the field. Each read of a value costs that check (one heap call
 * under the heap's lock). {@link #length}, {@link #copyTo} and {@link #contentEquals} allocate nothing.
 *
 * <p>Crash order: a new block is filled before the field points at it, and the old one is freed only after;
 * a crash in between leaks a block, never leaves a reference to a freed one. A value rewritten in place is
 * not atomic (transactions will make it so).
 */
public abstract class BlobField extends Field {
    private final int kindWord;

    BlobField(StructLayout layout, FieldSpec spec, int offset, int kindWord) {
        super(layout, spec, offset);
        this.kindWord = kindWord;
    }

    /**
     * @return bytes of the value (UTF-8 bytes for a string), or -1 for null
     * @throws StructMismatchException if the field refers to something that is not a block of its kind
     */
    public final int length(StructView view) {
        long ref = reference(view);
        return ref == 0 ? -1 : checkedLength(view, ref);
    }

    /** @return whether the value is null (which it is on a record that predates the field) */
    public final boolean isNull(StructView view) {
        return reference(view) == 0;
    }

    /**
     * Copies the value's bytes into {@code dst} from index {@code from}; allocates nothing.
     *
     * @return how many bytes were copied, or -1 for null (nothing copied)
     * @throws IndexOutOfBoundsException if the value does not fit {@code dst} from {@code from}
     * @throws StructMismatchException if the field refers to something that is not a block of its kind
     */
    public final int copyTo(StructView view, byte[] dst, int from) {
        long ref = reference(view);
        if (ref == 0) {
            return -1;
        }
        int length = checkedLength(view, ref);
        Objects.checkFromIndexSize(from, length, dst.length);
        view.heap.read(ref + DATA_OFFSET, dst, from, length);
        return length;
    }

    /**
     * Compares the value with {@code bytes} (UTF-8 bytes for a string) without allocating.
     *
     * @param bytes the bytes to compare with; null equals only a null value
     * @throws StructMismatchException if the field refers to something that is not a block of its kind
     */
    public final boolean contentEquals(StructView view, byte[] bytes) {
        long ref = reference(view);
        if (ref == 0 || bytes == null) {
            return ref == 0 && bytes == null;
        }
        int length = checkedLength(view, ref);
        if (length != bytes.length) {
            return false;
        }
        long data = ref + DATA_OFFSET;
        for (int i = 0; i < length; i++) {
            if (view.heap.readByte(data + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sets the value to null, freeing its block.
     *
     * @throws FieldNotInRecordException if the record predates this field; nothing changed
     * @throws StructMismatchException if the field refers to something that is not a block of its kind;
     *     nothing changed
     */
    public final void clear(StructView view) {
        long slot = writableAt(view);
        long old = view.heap.readLong(slot);
        if (old != 0) {
            checkedCapacity(view, old);
            view.writer.writeLong(slot, 0);
            view.writer.free(old);
        }
    }

    /** @return the value's bytes in a new array, or null */
    final byte[] readBytes(StructView view) {
        long ref = reference(view);
        if (ref == 0) {
            return null;
        }
        byte[] bytes = new byte[checkedLength(view, ref)];
        view.heap.read(ref + DATA_OFFSET, bytes, 0, bytes.length);
        return bytes;
    }

    /** Stores {@code len} bytes of {@code src} from {@code from} as the new value: in place or in a new block. */
    final void store(StructView view, byte[] src, int from, int len) {
        Objects.checkFromIndexSize(from, len, src.length);
        long slot = writableAt(view);
        HeapWriter writer = view.writer;
        long old = view.heap.readLong(slot);
        if (old != 0 && BlobLayout.fitsInPlace(checkedCapacity(view, old), len)) {
            writer.write(old + DATA_OFFSET, src, from, len);
            writer.writeInt(old + LENGTH_OFFSET, len); // last: the old length until the bytes are there
            return;
        }
        long fresh = writer.allocate(HEADER_LENGTH + (long) len);
        writer.writeInt(fresh + KIND_OFFSET, kindWord);
        writer.writeInt(fresh + LENGTH_OFFSET, len);
        writer.write(fresh + DATA_OFFSET, src, from, len);
        writer.writeLong(slot, fresh);
        if (old != 0) {
            writer.free(old);
        }
    }

    /** @return the reference stored, or 0 when the record predates the field */
    final long reference(StructView view) {
        if (inRecord(view)) {
            return view.longAt(offset);
        }
        checkAbsentRead(view);
        return 0L;
    }

    final int checkedLength(StructView view, long ref) {
        checkedCapacity(view, ref);
        return view.heap.readInt(ref + LENGTH_OFFSET);
    }

    /**
     * Checks the block a reference read from the file points at: live, large enough for a blob header, of
     * this field's kind, with a length that fits.
     *
     * @return the block's usable size
     */
    final long checkedCapacity(StructView view, long ref) {
        MappedHeap heap = view.heap;
        long capacity;
        try {
            capacity = heap.usableSize(ref);
        } catch (InvalidOffsetException e) {
            StructMismatchException mismatch = mismatch(view, "reference is not a live block",
                    "a live " + BlobLayout.kindName(kindWord) + " block", "ref=" + ref);
            mismatch.initCause(e);
            throw mismatch;
        }
        if (capacity < HEADER_LENGTH) {
            throw mismatch(view, "referenced block too small for a blob header", "blockSize>=" + HEADER_LENGTH,
                    "ref=" + ref + " blockSize=" + capacity);
        }
        int kind = heap.readInt(ref + KIND_OFFSET);
        if (kind != kindWord) {
            throw mismatch(view, "referenced block is of another kind", "kind=" + BlobLayout.kindName(kindWord),
                    "ref=" + ref + " kind=" + BlobLayout.kindName(kind));
        }
        int length = heap.readInt(ref + LENGTH_OFFSET);
        if (length < 0 || length > BlobLayout.MAX_LENGTH || HEADER_LENGTH + (long) length > capacity) {
            throw mismatch(view, "blob length does not fit its block", "0<=length<=" + (capacity - HEADER_LENGTH),
                    "ref=" + ref + " length=" + length);
        }
        return capacity;
    }

    final StructMismatchException mismatch(StructView view, String problem, String expected, String found) {
        return new StructMismatchException(layout.name(), view.offset, name, problem, expected, found);
    }
}
