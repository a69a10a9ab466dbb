// Structs layer, map: the callback of OrderedLongMap.forEach.
package dev.mappedheap.structs.map;

/** Receives the entries of a range of an {@link OrderedLongMap}, in ascending key order. */
@FunctionalInterface
public interface EntryVisitor {
    /**
     * @param key the entry's key
     * @param valueOffset the heap offset of the entry's inline value ({@link OrderedLongMap#valueWidth()}
     *     bytes; read it with {@code heap.readLong(valueOffset)} for an 8-byte value). Valid until the map
     *     is next changed.
     * @return true to go on, false to stop the walk
     */
    boolean visit(long key, long valueOffset);
}
