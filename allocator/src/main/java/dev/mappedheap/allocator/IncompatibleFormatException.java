package dev.mappedheap.allocator;

/**
 * The file is not a heap this version can open: wrong magic, an unknown format version, or a header whose checksum does not match.
 */
public class IncompatibleFormatException extends HeapException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with the facts as {@code name=value} pairs */
    public IncompatibleFormatException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public IncompatibleFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
