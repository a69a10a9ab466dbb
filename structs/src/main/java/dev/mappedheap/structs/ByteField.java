// Structs layer: the field handle for a {@code byte} ({@code int8}).
package dev.mappedheap.structs;

/**
 * A field holding a {@code byte} ({@code int8}). Get and set are one check and one heap access each and allocate nothing;
 * see {@link Field} for what they throw.
 */
public final class ByteField extends Field {
    ByteField(StructLayout layout, FieldSpec spec, int offset) {
        super(layout, spec, offset);
    }

    /**
     * @param view a view of this field's layout, wrapped
     * @return the value, or 0 when the record predates this field
     */
    public byte get(StructView view) {
        if (inRecord(view)) {
            return view.byteAt(offset);
        }
        checkAbsentRead(view);
        return 0;
    }

    /**
     * @param view a view of this field's layout, wrapped at a record that holds the field
     * @param value the new value
     * @throws FieldNotInRecordException if the record predates this field; nothing changed
     */
    public void set(StructView view, byte value) {
        view.putByte(writableField(view), value);
    }
}
