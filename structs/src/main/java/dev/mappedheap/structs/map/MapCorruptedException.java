// Structs layer, map: the exception for a map whose nodes contradict the format or each other.
package dev.mappedheap.structs.map;

import dev.mappedheap.allocator.HeapCorruptedException;

/**
 * A map's header or one of its nodes contradicts the format: a node with the wrong tag or level, a count
 * beyond the node's capacity, a child pointer outside the heap, a leaf chain longer than the map, or (from
 * {@link OrderedLongMap#check()}) any broken invariant. Thrown before the bad value is trusted.
 */
public class MapCorruptedException extends HeapCorruptedException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, with the facts as {@code name=value} pairs */
    public MapCorruptedException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong
     * @param cause the underlying failure
     */
    public MapCorruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
