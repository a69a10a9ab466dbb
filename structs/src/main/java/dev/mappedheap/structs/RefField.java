// Structs layer: the field handle for a reference to another block.
package dev.mappedheap.structs;

/**
 * A field holding the offset of another block, 0 for none. The referenced block is not owned: freeing the
 * struct leaves it alone. The offset read is untrusted like everything in the file; wrap it with a view
 * ({@link StructView#wrap}) or pass it to a checked heap call before relying on it.
 */
public final class RefField extends Field {
    RefField(StructLayout layout, FieldSpec spec, int offset) {
        super(layout, spec, offset);
    }

    /**
     * @param view a view of this field's layout, wrapped
     * @return the offset stored, or 0 (none) when the record predates this field
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
     * @param target the offset of a block, or 0 for none
     * @throws IllegalArgumentException if {@code target} is negative; nothing changed
     * @throws FieldNotInRecordException if the record predates this field; nothing changed
     */
    public void set(StructView view, long target) {
        if (target < 0) {
            throw new IllegalArgumentException("negative reference: field=" + this + " target=" + target);
        }
        view.putLong(writableField(view), target);
    }
}
