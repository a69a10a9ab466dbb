package dev.mappedheap.allocator;

/**
 * The heap cannot satisfy an allocation: growth would pass {@code maxSize}, or the file system refused the space (the cause says why: ENOSPC, a file-size limit). The heap is unchanged and keeps working inside its current size.
 */
public class HeapFullException extends HeapException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with the facts as {@code name=value} pairs */
    public HeapFullException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public HeapFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
