// Structs layer: the field handle for an owned variable-length byte string.
package dev.mappedheap.structs;

/**
 * A field holding a byte string of any length, in a block the struct owns (see {@link BlobField} for
 * ownership, in-place rewriting and checks). {@link #get} allocates the array it returns; {@link #copyTo},
 * {@link #length} and {@link #contentEquals} do not.
 */
public final class BytesField extends BlobField {
    BytesField(StructLayout layout, FieldSpec spec, int offset) {
        super(layout, spec, offset, BlobLayout.KIND_BYTES);
    }

    /**
     * @return a copy of the bytes, or null (also when the record predates this field)
     * @throws StructMismatchException if the field refers to something that is not a byte-string block
     */
    public byte[] get(StructView view) {
        return readBytes(view);
    }

    /**
     * Sets the value to a copy of {@code value}; null frees the block.
     *
     * @throws FieldNotInRecordException if the record predates this field; nothing changed
     * @throws StructMismatchException if the field refers to something that is not a byte-string block;
     *     nothing changed
     */
    public void set(StructView view, byte[] value) {
        if (value == null) {
            clear(view);
        } else {
            store(view, value, 0, value.length);
        }
    }

    /**
     * Sets the value to {@code len} bytes of {@code src} from index {@code from}.
     *
     * @throws IndexOutOfBoundsException if the range does not fit {@code src}; nothing changed
     * @throws FieldNotInRecordException if the record predates this field; nothing changed
     */
    public void set(StructView view, byte[] src, int from, int len) {
        store(view, src, from, len);
    }
}
