// Structs layer: the checksum every container header keeps over its fixed fields.
package dev.mappedheap.structs;

/**
 * FNV-1a 64 over a header's fixed words, each taken as its 8 bytes in little-endian order, so the result is
 * the same as FNV-1a over the raw bytes (offset basis {@code 0xcbf29ce484222325}, prime
 * {@code 0x100000001b3}). The map, log and node-tree headers use it; their format documents say which words.
 */
public final class HeaderChecksum {
    private static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private HeaderChecksum() {}

    /** @return FNV-1a 64 of the words' bytes, in order */
    public static long of(long... words) {
        long hash = OFFSET_BASIS;
        for (long word : words) {
            for (int shift = 0; shift < 64; shift += 8) {
                hash = (hash ^ ((word >>> shift) & 0xFF)) * PRIME;
            }
        }
        return hash;
    }
}
