package dev.mappedheap.allocator;

/**
 * The file is not a heap this version can open: too short to hold a header, wrong magic, or an unknown format version. (A heap header that is damaged, e.g. whose checksum does not match, gives {@link HeapCorruptedException}.)
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
