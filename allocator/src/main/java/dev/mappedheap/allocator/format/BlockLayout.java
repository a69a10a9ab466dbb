package dev.mappedheap.allocator.format;

/**
 * Format layer: a block, the unit of allocation. Blocks tile the heap from {@code heapStart} to {@code top};
 * every block starts on a 16-byte boundary and its size is a multiple of 16, at least {@link #MIN_BLOCK}.
 *
 * <pre>
 * block in use                          free block on an exact-size list (size &lt; 8192)
 *  +0  head  = size | PINUSE | CINUSE    +0  head = size | PINUSE        (CINUSE clear)
 *  +8  check = checkWord(offset, size)   +8  next block on the list, 0 = none
 * +16  payload (size - 16 bytes) ...    +16  previous block on the list, 0 = none (head is in the header)
 *                                        ... unused
 *                                        size-8  footer = size
 *
 * free block in the tree (size &gt;= 8192)
 *  +0  head = size | PINUSE
 *  +8  left child, +16 right child (0 = none), +24 height of this subtree (a leaf is 1)
 *  ... unused, size-8 footer = size
 * </pre>
 *
 * <p>CINUSE (bit 0) says this block is in use. PINUSE (bit 1) says the block before it is in use; only
 * then is the word before the head payload of that block, otherwise it is that free block's footer, which
 * is how a free finds its previous neighbour in O(1) (dlmalloc's boundary tags). Two free blocks are never
 * adjacent, and no free block touches the top: a free merges with both neighbours and with the top.
 *
 * <p>The check word of a block in use ties the header to its offset and to the heap's salt, so that an
 * offset into the middle of a block, or a stale header of a freed block, is recognised as not live.
 */
public final class BlockLayout {
    public static final int ALIGNMENT = 16;
    public static final int HEAD_OFFSET = 0;
    public static final int CHECK_OFFSET = 8;
    /** Bytes before the payload: the per-block overhead. */
    public static final int HEADER_LENGTH = 16;
    public static final int NEXT_OFFSET = 8;
    public static final int PREV_OFFSET = 16;
    public static final int LEFT_OFFSET = 8;
    public static final int RIGHT_OFFSET = 16;
    public static final int HEIGHT_OFFSET = 24;
    /** Smallest block: a head, two links and a footer. */
    public static final long MIN_BLOCK = 32;
    /** Free blocks of this size and more live in the tree; smaller ones on the 512 exact-size lists. */
    public static final long TREE_MIN_BLOCK = 8192;

    public static final long CINUSE = 1;
    public static final long PINUSE = 2;
    public static final long FLAG_MASK = ALIGNMENT - 1;
    /** Largest payload a single allocation may ask for: keeps every size sum far from overflow. */
    public static final long MAX_REQUEST = 1L << 56;

    private BlockLayout() {}

    /** @return the size field of a head word */
    public static long size(long head) {
        return head & ~FLAG_MASK;
    }

    /** @return true when the head says the block is in use */
    public static boolean inUse(long head) {
        return (head & CINUSE) != 0;
    }

    /** @return true when the head says the previous block is in use */
    public static boolean prevInUse(long head) {
        return (head & PINUSE) != 0;
    }

    /**
     * @param request payload bytes wanted, {@code 0 <= request <= MAX_REQUEST}
     * @return the block size that holds it: the request rounded up to 16, plus the 16-byte header
     */
    public static long blockSizeFor(long request) {
        long size = ((request + FLAG_MASK) & ~FLAG_MASK) + HEADER_LENGTH;
        return Math.max(size, MIN_BLOCK);
    }

    /**
     * The check word of a block in use: a 64-bit mix of its offset, its size and the heap's salt
     * (the murmur3 finalizer). A different offset or size gives a different word with overwhelming odds.
     */
    public static long checkWord(long blockOffset, long size, long salt) {
        long z = (blockOffset * 0x9E3779B97F4A7C15L) ^ (size * 0xC2B2AE3D27D4EB4FL) ^ salt;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** @return true when {@code offset} is a multiple of {@link #ALIGNMENT} */
    public static boolean aligned(long offset) {
        return (offset & FLAG_MASK) == 0;
    }
}
