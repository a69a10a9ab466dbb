// Structs layer, log: the exception for a listener that another live heap instance is reading.
package dev.mappedheap.structs.log;

import dev.mappedheap.allocator.HeapException;

/**
 * A listener cannot be opened or unregistered because another heap instance (another process, or another
 * {@code MappedHeap} in this one) that is still alive reads it. A listener whose reader died is taken over
 * instead. Nothing was changed.
 */
public class ListenerBusyException extends HeapException {
    private static final long serialVersionUID = 1L;

    /** @param message which listener and who reads it, as {@code name=value} pairs */
    public ListenerBusyException(String message) {
        super(message);
    }
}
