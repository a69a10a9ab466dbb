// Structs layer: the field handle for an owned UTF-8 string.
package dev.mappedheap.structs;

import java.nio.charset.CharacterCodingException;

/**
 * A field holding a string, stored as UTF-8 in a block the struct owns (see {@link BlobField} for
 * ownership, in-place rewriting and checks). {@link #get} allocates the {@code String}; {@link #contentEquals},
 * {@link #equalsUtf8}, {@link #length} and {@link #copyTo} (the UTF-8 bytes into the caller's array) do not.
 */
public final class StringField extends BlobField {
    StringField(StructLayout layout, FieldSpec spec, int offset) {
        super(layout, spec, offset, BlobLayout.KIND_UTF8);
    }

    /**
     * @return the string, or null (also when the record predates this field)
     * @throws StructMismatchException if the field refers to something that is not a string block, or the
     *     bytes are not well-formed UTF-8
     */
    public String get(StructView view) {
        byte[] utf8 = readBytes(view);
        if (utf8 == null) {
            return null;
        }
        try {
            return Utf8.decode(utf8);
        } catch (CharacterCodingException e) {
            StructMismatchException mismatch = mismatch(view, "string block is not well-formed UTF-8",
                    "UTF-8", "ref=" + reference(view) + " length=" + utf8.length);
            mismatch.initCause(e);
            throw mismatch;
        }
    }

    /**
     * Sets the string; null frees the block. Rewrites the block in place when the new value fits it.
     *
     * @throws IllegalArgumentException if {@code value} has an unpaired surrogate (it would not read back
     *     as written); nothing changed
     * @throws FieldNotInRecordException if the record predates this field; nothing changed
     * @throws StructMismatchException if the field refers to something that is not a string block; nothing
     *     changed
     */
    public void set(StructView view, CharSequence value) {
        if (value == null) {
            clear(view);
            return;
        }
        byte[] utf8 = Utf8.encode(value);
        store(view, utf8, 0, utf8.length);
    }

    /**
     * Compares the string with {@code value} without allocating: {@code value} is encoded one code point at a
     * time against the stored bytes.
     *
     * @param value null equals only a null string
     */
    public boolean contentEquals(StructView view, CharSequence value) {
        long ref = reference(view);
        if (ref == 0 || value == null) {
            return ref == 0 && value == null;
        }
        return Utf8.equalsEncoded(view.heap, ref + BlobLayout.DATA_OFFSET, checkedLength(view, ref), value);
    }

    /**
     * Compares the string's UTF-8 bytes with {@code utf8} without allocating; the same as
     * {@link #contentEquals(StructView, byte[])}.
     */
    public boolean equalsUtf8(StructView view, byte[] utf8) {
        return contentEquals(view, utf8);
    }
}
