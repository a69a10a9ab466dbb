// Structs layer: the field handle for a {@code long} ({@code int64}).
package dev.mappedheap.structs;

/**
 * A field holding a {@code long} ({@code int64}). Get and set are one check and one heap access each and allocate nothing;
 * see {@link Field} for what they throw.
 */
public final class LongField extends Field {
    LongField(StructLayout layout, FieldSpec spec, int offset) {
        super(layout, spec, offset);
    }

    /**
     * @param view a view of this field's layout, wrapped
     * @return the value, or 0L when the record predates this field
     */
    public long get(StructView view) {
        if (inRecord(view)) {
            return view.longAt(offset);
        }
        checkAbsentRead(view);
        return 0L;
    }

    /**
     * @param view a view of this field's layout, wrapped at a record that holds the field
     * @param value the new value
     * @throws FieldNotInRecordException if the record predates this field; nothing changed
     */
    public void set(StructView view, long value) {
        view.putLong(writableField(view), value);
    }
}
