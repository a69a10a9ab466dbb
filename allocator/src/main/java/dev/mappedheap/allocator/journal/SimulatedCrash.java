package dev.mappedheap.allocator.journal;

/**
 * Thrown by a test's {@link UndoJournal.CrashHook} to stop an operation between two metadata writes as a
 * process crash would: the heap does not roll the operation back, marks its handle unusable, and leaves the
 * file exactly as the crash found it, for the next {@code open} to recover.
 */
public final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    /** @param writeIndex the metadata write before which the crash happened */
    public SimulatedCrash(int writeIndex) {
        super("simulated crash before metadata write " + writeIndex, null, false, false);
    }
}
