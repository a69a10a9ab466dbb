// Structs layer, log: the exception for a log whose words contradict the format or each other.
package dev.mappedheap.structs.log;

import dev.mappedheap.allocator.HeapCorruptedException;

/**
 * A log's header, a segment or an entry contradicts the format: a bad checksum, a segment link that is not a
 * segment of this log, an entry header with an unknown tag or a length past its segment, or (from
 * {@link HeapLog#check()}) any broken invariant. Thrown before the bad value is trusted.
 */
public class LogCorruptedException extends HeapCorruptedException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, with the facts as {@code name=value} pairs */
    public LogCorruptedException(String message) {
        super(message);
    }
}
