package dev.mappedheap.allocator;

/**
 * The process may not read and write the heap file or its companion lock file {@code NAME.lock}.
 *
 * <p>A heap is always opened read-write, never read-only: even reading it takes the heap lock (a word in the
 * file), and the first process to lock after a crash rolls the interrupted operation back, which writes to
 * the file. So {@code open} of a file the process cannot write fails with this exception, before anything is
 * mapped, rather than returning a handle that would fail later. To look at a heap you may only read, copy it
 * and open the copy.
 */
public class HeapAccessDeniedException extends HeapException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was refused, with the facts as {@code name=value} pairs
     * @param cause the refusal from the file system
     */
    public HeapAccessDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}
