package dev.mappedheap.allocator;

/**
 * The file contradicts itself: a header field out of range, a block whose boundary tags disagree, a free list or tree link that points outside the heap or loops. The operation that found it changed nothing.
 */
public class HeapCorruptedException extends HeapException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with the facts as {@code name=value} pairs */
    public HeapCorruptedException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public HeapCorruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
