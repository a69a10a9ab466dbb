// Structs layer: the field handle for a {@code float} ({@code float32}, raw IEEE 754 bits, NaN payloads kept).
package dev.mappedheap.structs;

/**
 * A field holding a {@code float} ({@code float32}, raw IEEE 754 bits, NaN payloads kept). Get and set are one check and one heap access each and allocate nothing;
 * see {@link Field} for what they throw.
 */
public final class FloatField extends Field {
    FloatField(StructLayout layout, FieldSpec spec, int offset) {
        super(layout, spec, offset);
    }

    /**
     * @param view a view of this field's layout, wrapped
     * @return the value, or 0f when the record predates this field
     */
    public float get(StructView view) {
        if (inRecord(view)) {
            return Float.intBitsToFloat(view.intAt(offset));
        }
        checkAbsentRead(view);
        return 0f;
    }

    /**
     * @param view a view of this field's layout, wrapped at a record that holds the field
     * @param value the new value
     * @throws FieldNotInRecordException if the record predates this field; nothing changed
     */
    public void set(StructView view, float value) {
        view.putInt(writableField(view), Float.floatToRawIntBits(value));
    }
}
