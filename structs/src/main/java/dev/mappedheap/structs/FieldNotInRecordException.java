// Structs layer: the error for writing a field an older, shorter record does not have.
package dev.mappedheap.structs;

import dev.mappedheap.allocator.HeapException;

/**
 * A field was written on a record written by an older layout version, which has no room for it. Records are
 * never grown behind the caller's back, because growing may move the block and every reference to it would
 * then dangle; {@link StructLayout#upgrade} grows one explicitly and returns its (possibly new) offset.
 * Nothing was changed.
 */
public class FieldNotInRecordException extends HeapException {
    private static final long serialVersionUID = 1L;

    /** @param message what was written where, with the facts as {@code name=value} pairs */
    public FieldNotInRecordException(String message) {
        super(message);
    }
}
