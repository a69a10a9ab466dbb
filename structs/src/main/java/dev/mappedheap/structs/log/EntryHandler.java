// Structs layer, log: the callback through which a listener hands out an entry without copying it.
package dev.mappedheap.structs.log;

import dev.mappedheap.allocator.MappedHeap;

/** Receives one log entry in place: read it from the heap during the call, not after. */
@FunctionalInterface
public interface EntryHandler {
    /**
     * @param heap the heap the log lives in
     * @param offset where the entry's payload starts
     * @param length bytes of payload
     */
    void onEntry(MappedHeap heap, long offset, int length);
}
