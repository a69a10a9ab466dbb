// Structs layer: what each kind of field occupies inside a struct.
package dev.mappedheap.structs;

/**
 * The kinds of field a {@link StructLayout} may declare, with the bytes each takes inside the struct and the
 * alignment it is placed at. Every multi-byte value is little-endian.
 */
public enum FieldKind {
    /** {@code int8}: a {@code byte}. */
    BYTE(1),
    /** {@code int16}: a {@code short}. */
    SHORT(2),
    /** {@code char16}: a {@code char}, a UTF-16 code unit. */
    CHAR(2),
    /** {@code int32}: an {@code int}. */
    INT(4),
    /** {@code int64}: a {@code long}. */
    LONG(8),
    /** {@code float32}: a {@code float}, its raw IEEE 754 bits (NaN payloads kept). */
    FLOAT(4),
    /** {@code float64}: a {@code double}, its raw IEEE 754 bits (NaN payloads kept). */
    DOUBLE(8),
    /** {@code bool}: one byte, 0 for false; any other value reads as true, 1 is written. */
    BOOLEAN(1),
    /** A byte array of a length fixed by the layout, stored inline; byte aligned. */
    FIXED_BYTES(1),
    /** An 8-byte offset of another block, 0 for none. Not owned: freeing the struct leaves it alone. */
    REF(8),
    /** An 8-byte offset of an owned UTF-8 string block ({@link BlobLayout}), 0 for null. */
    STRING(8),
    /** An 8-byte offset of an owned byte-string block ({@link BlobLayout}), 0 for null. */
    BYTES(8);

    private final int alignment;

    FieldKind(int alignment) {
        this.alignment = alignment;
    }

    /** @return the alignment of the field's offset, which for every kind but fixed bytes is also its width */
    public int alignment() {
        return alignment;
    }
}
