// Structs layer, node tree format: the header block, the one offset a node tree is found by.
package dev.mappedheap.structs.tree;

import dev.mappedheap.structs.HeaderChecksum;

/**
 * Format of a {@link NodeTree}'s header: one heap block of {@link #HEADER_LENGTH} bytes. All integers are
 * little-endian; offsets are relative to the block's start.
 *
 * <pre>
 *  offset  size  field             written
 *  ------  ----  ----------------  -----------------------------------------------------------------
 *       0     8  magic             at create: bytes 'M' 'H' 'N' 'T' 'R' 'E' 0x0D 0x0A
 *       8     4  formatVersion     at create: {@link #FORMAT_VERSION}
 *      12     4  headerLength      at create: {@link #HEADER_LENGTH}
 *      16     4  nodeTypeTag       at create: the node records' type tag
 *      20     4  attributeTypeTag  at create: the attribute records' type tag
 *      24     4  nodeVersion       at create: the node layout's version
 *      28     4  attributeVersion  at create: the attribute layout's version
 *      32     8  headerChecksum    at create: FNV-1a 64 of bytes 0..31
 *      40     8  lockWord          the tree's robust lock: every writer and reader holds it
 *      48     8  root              offset of the root node; never 0
 *      56     8  nodeCount         nodes in the tree, the root included
 *      64     8  attributeCount    attributes of all nodes
 *      72     8  modCount          raised by one by every mutation that commits
 *      80    48  (reserved, zero)
 * </pre>
 *
 * <p>Bytes 0..39 never change after create; the rest change only through a transaction holding the lock.
 */
final class TreeHeaderLayout {
    /** The magic bytes {@code MHNTRE\r\n} read as a little-endian long. */
    static final long MAGIC = 0x0A0D4552544E484DL;
    /** The only format version this code reads and writes. */
    static final int FORMAT_VERSION = 1;
    /** Bytes of the header block. */
    static final int HEADER_LENGTH = 128;

    static final int MAGIC_OFFSET = 0;
    static final int FORMAT_VERSION_OFFSET = 8;
    static final int HEADER_LENGTH_OFFSET = 12;
    static final int NODE_TYPE_TAG_OFFSET = 16;
    static final int ATTRIBUTE_TYPE_TAG_OFFSET = 20;
    static final int NODE_VERSION_OFFSET = 24;
    static final int ATTRIBUTE_VERSION_OFFSET = 28;
    static final int HEADER_CHECKSUM_OFFSET = 32;
    static final int LOCK_WORD_OFFSET = 40;
    static final int ROOT_OFFSET = 48;
    static final int NODE_COUNT_OFFSET = 56;
    static final int ATTRIBUTE_COUNT_OFFSET = 64;
    static final int MOD_COUNT_OFFSET = 72;


    private TreeHeaderLayout() {}

    /** FNV-1a 64 over the header's bytes 0..31, given as their four little-endian words. */
    static long checksum(long word0, long word1, long word2, long word3) {
        return HeaderChecksum.of(word0, word1, word2, word3);
    }
}
