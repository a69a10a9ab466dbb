// Structs layer, map: a place in the leaf level, filled by the read descents.
package dev.mappedheap.structs.map;

/** A leaf, its (checked) count and a slot in it. Mutable and reused; owned by one cursor or one call. */
final class LeafPosition {
    long leaf;
    int count;
    int slot;
}
