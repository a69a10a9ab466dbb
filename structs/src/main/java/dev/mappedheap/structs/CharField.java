// Structs layer: the field handle for a {@code char} ({@code char16}, little-endian).
package dev.mappedheap.structs;

/**
 * A field holding a {@code char} ({@code char16}, little-endian). Get and set are one check and one heap access each and allocate nothing;
 * see {@link Field} for what they throw.
 */
public final class CharField extends Field {
    CharField(StructLayout layout, FieldSpec spec, int offset) {
        super(layout, spec, offset);
    }

    /**
     * @param view a view of this field's layout, wrapped
     * @return the value, or {@code '\0'} when the record predates this field
     */
    public char get(StructView view) {
        if (inRecord(view)) {
            return (char) readShortBits(view.heap, view.offset + offset);
        }
        checkAbsentRead(view);
        return (char) 0;
    }

    /**
     * @param view a view of this field's layout, wrapped at a record that holds the field
     * @param value the new value
     * @throws FieldNotInRecordException if the record predates this field; nothing changed
     */
    public void set(StructView view, char value) {
        writeShortBits(view.writer, writableAt(view), value);
    }
}
