// Structs layer, map: the exception for "this offset does not hold a map this code can open".
package dev.mappedheap.structs.map;

import dev.mappedheap.allocator.IncompatibleFormatException;

/**
 * The block at the given offset is not an ordered map this version can open: wrong magic, a format version
 * outside the supported range, a block too small for the header, or geometry fields that disagree with each
 * other. The message names what was expected and what was found. Nothing was changed.
 */
public class MapFormatException extends IncompatibleFormatException {
    private static final long serialVersionUID = 1L;

    /** @param message what was expected and what was found, as {@code name=value} pairs */
    public MapFormatException(String message) {
        super(message);
    }

    /**
     * @param message what was expected and what was found
     * @param cause the underlying failure
     */
    public MapFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
