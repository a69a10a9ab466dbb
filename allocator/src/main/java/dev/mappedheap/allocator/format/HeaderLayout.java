package dev.mappedheap.allocator.format;

/**
 * Format layer: the file header, the first 8 KiB of every heap file. All integers are little-endian.
 *
 * <pre>
 *  offset  size  field              written
 *  ------  ----  -----------------  -----------------------------------------------------------
 *       0     8  magic              at create: bytes 'M' 'H' 'E' 'A' 'P' 0x0D 0x0A 0x1A
 *       8     4  formatVersion      at create: {@link #FORMAT_VERSION}
 *      12     4  headerLength       at create: {@link #HEADER_LENGTH}
 *      16     8  heapStart          at create: offset of the first block's header
 *      24     8  journalOffset      at create: offset of the journal's first entry
 *      32     4  journalCapacity    at create: number of 24-byte journal entries (64..4096)
 *      36     4  flags              at create: 0 (reserved)
 *      40     8  salt               at create: random; mixed into every block's check word
 *      48     8  growthIncrement    at create: bytes the file grows by when nothing fits
 *      56     8  maxSize            at create: largest file size, a multiple of 4096; 0x7FFFFFFFFFFFF000
 *                                   for none
 *      64     8  headerChecksum     at create: FNV-1a 64 of bytes 0..63
 *      72    56  (reserved, zero)
 *     128     8  journalSeq         the commit word: sequence number of the operation in progress
 *     136     8  lockWord           the heap lock: 0 = free, else the holder's token (generation << 16 | slot
 *                                   in the lock file NAME.lock); changed by compare-and-swap only
 *     144     8  capacity           bytes of the file the heap manages (the file may be longer)
 *     152     8  top                offset where the top region starts; the top runs to capacity
 *     160     8  root               the user's table-of-contents offset; 0 = none
 *     168     8  liveBlocks         blocks in use
 *     176     8  usedBytes          bytes of blocks in use, headers included
 *     184     8  freeBlocks         free blocks on the lists and in the tree (top not counted)
 *     192     8  smallSummary       bit w set iff smallMap[w] != 0
 *     200     8  treeRoot           offset of the free tree's root block; 0 = empty tree
 *     208     8  lockTakeovers      times a locker found the holder dead and took the lock over (statistic)
 *     216     8  recoveries         times a locker rolled back an interrupted operation (statistic)
 *     224    32  (reserved, zero)
 *     256    64  smallMap[8]        bit i of word w set iff free list 64*w+i is non-empty
 *     320  3776  (reserved, zero)
 *    4096  4096  smallHeads[512]    head block offset of exact-size free list i (blocks of 16*i bytes);
 *                                   0 = empty
 * </pre>
 *
 * <p>Bytes 0..71 never change after create. The lock word and the two statistics are written directly (under
 * the lock, for the statistics); every other write to bytes 144..8191 after create is journaled.
 */
public final class HeaderLayout {
    /** The magic bytes {@code MHEAP\r\n\x1a} read as a little-endian long. */
    public static final long MAGIC = 0x1A0A0D504145484DL;
    /** The only format version this code reads and writes. */
    public static final int FORMAT_VERSION = 1;
    /** Bytes reserved for the header: two pages. */
    public static final int HEADER_LENGTH = 8192;

    public static final int MAGIC_OFFSET = 0;
    public static final int FORMAT_VERSION_OFFSET = 8;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int HEAP_START_OFFSET = 16;
    public static final int JOURNAL_OFFSET_OFFSET = 24;
    public static final int JOURNAL_CAPACITY_OFFSET = 32;
    public static final int FLAGS_OFFSET = 36;
    public static final int SALT_OFFSET = 40;
    public static final int GROWTH_INCREMENT_OFFSET = 48;
    public static final int MAX_SIZE_OFFSET = 56;
    public static final int HEADER_CHECKSUM_OFFSET = 64;
    /** Bytes covered by the header checksum: everything before it. */
    public static final int CHECKSUMMED_LENGTH = HEADER_CHECKSUM_OFFSET;

    public static final int JOURNAL_SEQ_OFFSET = 128;
    public static final int LOCK_WORD_OFFSET = 136;
    public static final int CAPACITY_OFFSET = 144;
    public static final int TOP_OFFSET = 152;
    public static final int ROOT_OFFSET = 160;
    public static final int LIVE_BLOCKS_OFFSET = 168;
    public static final int USED_BYTES_OFFSET = 176;
    public static final int FREE_BLOCKS_OFFSET = 184;
    public static final int SMALL_SUMMARY_OFFSET = 192;
    public static final int TREE_ROOT_OFFSET = 200;
    public static final int LOCK_TAKEOVERS_OFFSET = 208;
    public static final int RECOVERIES_OFFSET = 216;
    public static final int SMALL_MAP_OFFSET = 256;
    public static final int SMALL_MAP_WORDS = 8;
    public static final int SMALL_HEADS_OFFSET = 4096;
    public static final int SMALL_HEADS_COUNT = 512;

    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private HeaderLayout() {}

    /**
     * @param word index of a word of the small-list bitmap, 0..7
     * @return offset of that word
     */
    public static int smallMapOffset(int word) {
        return SMALL_MAP_OFFSET + 8 * word;
    }

    /**
     * @param smallIndex index of an exact-size list, {@code blockSize / 16}
     * @return offset of that list's head word
     */
    public static int smallHeadOffset(int smallIndex) {
        return SMALL_HEADS_OFFSET + 8 * smallIndex;
    }

    /**
     * FNV-1a 64 over the little-endian bytes of the given words: simple enough to reimplement in any
     * language that reads the format.
     *
     * @param words the header's first {@link #CHECKSUMMED_LENGTH} bytes as 8 longs
     * @return the checksum stored at {@link #HEADER_CHECKSUM_OFFSET}
     */
    public static long checksum(long[] words) {
        long hash = FNV_OFFSET_BASIS;
        for (long word : words) {
            for (int i = 0; i < 8; i++) {
                hash ^= (word >>> (8 * i)) & 0xFF;
                hash *= FNV_PRIME;
            }
        }
        return hash;
    }
}
