package dev.mappedheap.allocator;

/**
 * Told how far a long walk of the heap has come: {@link MappedHeap#check(ProgressListener)},
 * {@link MappedHeap#repair(ProgressListener)} and {@link MappedHeap#walk(BlockVisitor, ProgressListener)} call it
 * about every {@link #intervalBytes()} bytes of blocks walked, and once at the end of each phase with
 * {@code doneBytes == totalBytes}.
 *
 * <p>It is called on the walking thread. A check or a repair must see one moment of the heap, so they call it
 * while they hold the heap lock: it must be quick, and this heap's operations called from it (or its
 * {@code close}) throw {@link IllegalStateException} rather than wait for the lock this thread holds. A walk
 * calls it with no lock held.
 */
@FunctionalInterface
public interface ProgressListener {
    /** The default reporting interval: 64 MiB of blocks. */
    long DEFAULT_INTERVAL = 64L << 20;

    /** A listener that ignores every report. */
    ProgressListener NONE = (phase, done, total) -> { };

    /**
     * @param phase what is being walked: {@code "check"}, {@code "repair"} or {@code "walk"}
     * @param doneBytes bytes of the block region walked so far in this phase, from the first block
     * @param totalBytes bytes of the block region in this phase (from the first block to the top)
     */
    void progress(String phase, long doneBytes, long totalBytes);

    /** @return how many bytes walked between two reports; at least 1 */
    default long intervalBytes() {
        return DEFAULT_INTERVAL;
    }
}
