// Structs layer, log: the exception for "this offset does not hold a log this code can open".
package dev.mappedheap.structs.log;

import dev.mappedheap.allocator.IncompatibleFormatException;

/**
 * The block at the given offset is not a {@link HeapLog} this version can open: not a live block, too small,
 * the wrong magic (another type of structure), or a format version this code does not read. The message names
 * what was expected and what was found. Nothing was changed.
 */
public class LogFormatException extends IncompatibleFormatException {
    private static final long serialVersionUID = 1L;

    /** @param message what was expected and what was found, as {@code name=value} pairs */
    public LogFormatException(String message) {
        super(message);
    }

    /**
     * @param message what was expected and what was found
     * @param cause the underlying failure
     */
    public LogFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
