package dev.mappedheap.allocator;

/**
 * Root of every exception the heap throws. Unchecked, like lmdbjava's {@code LmdbException}: a caller
 * that wants to react to one condition catches the subclass named for it.
 *
 * <p>Messages carry the facts as {@code name=value} pairs, e.g. {@code offset=4096 size=48 capacity=1048576}.
 */
public class HeapException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with the facts as {@code name=value} pairs */
    public HeapException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public HeapException(String message, Throwable cause) {
        super(message, cause);
    }
}
