// Structs layer: the field handle for a {@code double} ({@code float64}, raw IEEE 754 bits, NaN payloads kept).
package dev.mappedheap.structs;

/**
 * A field holding a {@code double} ({@code float64}, raw IEEE 754 bits, NaN payloads kept). Get and set are one check and one heap access each and allocate nothing;
 * see {@link Field} for what they throw.
 */
public final class DoubleField extends Field {
    DoubleField(StructLayout layout, FieldSpec spec, int offset) {
        super(layout, spec, offset);
    }

    /**
     * @param view a view of this field's layout, wrapped
     * @return the value, or 0d when the record predates this field
     */
    public double get(StructView view) {
        if (inRecord(view)) {
            return Double.longBitsToDouble(view.longAt(offset));
        }
        checkAbsentRead(view);
        return 0d;
    }

    /**
     * @param view a view of this field's layout, wrapped at a record that holds the field
     * @param value the new value
     * @throws FieldNotInRecordException if the record predates this field; nothing changed
     */
    public void set(StructView view, double value) {
        view.putLong(writableField(view), Double.doubleToRawLongBits(value));
    }
}
