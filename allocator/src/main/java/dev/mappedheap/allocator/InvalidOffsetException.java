package dev.mappedheap.allocator;

/**
 * An offset given by the caller is not what the call needs: not the start of a live block (never allocated, already freed, inside a block), or outside the mapped heap for a raw read or write. Nothing in the heap was changed.
 */
public class InvalidOffsetException extends HeapException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with the facts as {@code name=value} pairs */
    public InvalidOffsetException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public InvalidOffsetException(String message, Throwable cause) {
        super(message, cause);
    }
}
