// Structs layer: the field handle for a {@code boolean} ({@code bool}: one byte, 1 written for true, any non-zero byte read as true).
package dev.mappedheap.structs;

/**
 * A field holding a {@code boolean} ({@code bool}: one byte, 1 written for true, any non-zero byte read as true). Get and set are one check and one heap access each and allocate nothing;
 * see {@link Field} for what they throw.
 */
public final class BooleanField extends Field {
    BooleanField(StructLayout layout, FieldSpec spec, int offset) {
        super(layout, spec, offset);
    }

    /**
     * @param view a view of this field's layout, wrapped
     * @return the value, or false when the record predates this field
     */
    public boolean get(StructView view) {
        if (inRecord(view)) {
            return view.byteAt(offset) != 0;
        }
        checkAbsentRead(view);
        return false;
    }

    /**
     * @param view a view of this field's layout, wrapped at a record that holds the field
     * @param value the new value
     * @throws FieldNotInRecordException if the record predates this field; nothing changed
     */
    public void set(StructView view, boolean value) {
        view.putByte(writableField(view), value ? (byte) 1 : (byte) 0);
    }
}
