package dev.mappedheap.allocator;

import dev.mappedheap.allocator.journal.SimulatedCrash;
import java.nio.file.Path;
import java.util.function.ToLongFunction;

/**
 * Test support for other packages: heap files left as a process killed in the middle of an operation
 * leaves them, with live journal entries and the heap lock held by a dead owner. The corrupt-file suite
 * damages such files too, since recovery is the first thing an open runs on them.
 */
public final class LiveJournals {
    private LiveJournals() {}

    /**
     * Opens {@code file}, runs {@code operation} and stops it just before its metadata write number
     * {@code atWrite}, as a crash would; the file keeps the journal entries written so far.
     *
     * @return true when the operation was stopped; false when it finished before reaching that write
     */
    public static boolean crashDuring(Path file, ToLongFunction<MappedHeap> operation, int atWrite) {
        try (MappedHeap heap = MappedHeap.open(file)) {
            heap.journal().crashHook(write -> {
                if (write == atWrite) {
                    throw new SimulatedCrash(write);
                }
            });
            try {
                operation.applyAsLong(heap);
                return false;
            } catch (SimulatedCrash crash) {
                return true;
            }
        }
    }
}
