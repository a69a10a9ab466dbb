// Structs layer: what every field handle shares: where it lies and the checks of its slow path.
package dev.mappedheap.structs;

import dev.mappedheap.allocator.MappedHeap;

/**
 * A field of a {@link StructLayout}: its name, kind, offset inside the struct and the version that added
 * it. Subclasses read and write the value through a {@link StructView}; their accessors are one bounds
 * check plus one heap access, and allocate nothing.
 *
 * <p>A field reads as its default (zero, false, null) on a record written by a layout version older than
 * the field; writing it there throws {@link FieldNotInRecordException}. Using a field on a view of another
 * layout throws {@link IllegalArgumentException}; on a view not yet wrapped, {@link IllegalStateException}.
 *
 * <p>Immutable and safe to share between threads; hold handles in {@code static final} fields.
 */
public abstract class Field {
    final StructLayout layout;
    final String name;
    final FieldKind kind;
    /** Bytes from the start of the struct (its header included) to the field. */
    final int offset;
    final int width;
    /** The record size a record needs to hold this field. */
    final int end;
    final int sinceVersion;

    Field(StructLayout layout, FieldSpec spec, int offset) {
        this.layout = layout;
        this.name = spec.name();
        this.kind = spec.kind();
        this.offset = offset;
        this.width = spec.width();
        this.end = offset + spec.width();
        this.sinceVersion = spec.sinceVersion();
    }

    /** @return the field's name */
    public final String name() {
        return name;
    }

    /** @return what the field holds */
    public final FieldKind kind() {
        return kind;
    }

    /** @return bytes from the start of the struct (its 16-byte header included) to the field */
    public final int offset() {
        return offset;
    }

    /** @return bytes the field takes inside the struct (8 for a reference to a string block) */
    public final int width() {
        return width;
    }

    /** @return the layout version that added the field */
    public final int sinceVersion() {
        return sinceVersion;
    }

    /** @return the layout the field belongs to */
    public final StructLayout layout() {
        return layout;
    }

    /**
     * @return whether the record {@code view} is wrapped at holds this field (false when it was written by a
     *     layout version older than the field)
     * @throws IllegalArgumentException if the view is of another layout
     * @throws IllegalStateException if the view is not wrapped
     */
    public final boolean isPresent(StructView view) {
        checkView(view);
        return view.size >= end;
    }

    /** The fast path's one test: the view is of this layout, wrapped, at a record that holds the field. */
    final boolean inRecord(StructView view) {
        return view.layout == layout && view.size >= end;
    }

    /**
     * The slow path of a read that failed {@link #inRecord}: throws for a view of another layout or one
     * not wrapped, and returns, for the caller to return the default, when the record predates the field.
     */
    final void checkAbsentRead(StructView view) {
        checkView(view);
    }

    /**
     * The check before a write: the view is of this layout, wrapped, at a record that holds the field.
     *
     * @return the heap offset of the field in the record
     * @throws FieldNotInRecordException if the record predates the field
     */
    final long writableAt(StructView view) {
        if (!inRecord(view)) {
            throw absentWrite(view);
        }
        return view.offset + offset;
    }

    /**
     * {@link #writableAt}, for the view's own accessors.
     *
     * @return the field's offset inside the record
     * @throws FieldNotInRecordException if the record predates the field
     */
    final int writableField(StructView view) {
        if (!inRecord(view)) {
            throw absentWrite(view);
        }
        return offset;
    }

    /** The slow path of a write that failed {@link #inRecord}: the exception to throw. */
    final RuntimeException absentWrite(StructView view) {
        checkView(view);
        return new FieldNotInRecordException("field not in this record, which an older layout version wrote: field="
                + this + " sinceVersion=" + sinceVersion + " offset=" + view.offset + " recordVersion="
                + view.version + " recordSize=" + view.size + " fieldEnd=" + end
                + "; StructLayout.upgrade grows the record (and may move it)");
    }

    private void checkView(StructView view) {
        if (view.layout != layout) {
            throw new IllegalArgumentException("field used on a view of another layout: field=" + this + " view="
                    + view);
        }
        if (!view.isWrapped()) {
            throw new IllegalStateException("view not wrapped: field=" + this + " view=" + view);
        }
    }

    /** Reads two bytes as a little-endian 16-bit value (the heap has no 2-byte accessor). */
    static int readShortBits(MappedHeap heap, long at) {
        return (heap.readByte(at) & 0xFF) | (heap.readByte(at + 1) << 8);
    }

    /** Writes the low 16 bits of {@code bits}, little-endian. */
    static void writeShortBits(HeapWriter writer, long at, int bits) {
        writer.writeByte(at, (byte) bits);
        writer.writeByte(at + 1, (byte) (bits >> 8));
    }

    /** @return {@code Layout.field}, e.g. {@code Envelope.uid} */
    @Override
    public String toString() {
        return layout.name() + "." + name;
    }
}
