// Structs layer, log format: where things are in a log's header block, its segments and its entries.
package dev.mappedheap.structs.log;

import dev.mappedheap.structs.HeaderChecksum;

/**
 * The on-heap format of a {@link HeapLog}. All integers little-endian; offsets are into block payloads.
 * docs/STRUCTS-FORMAT.md section 7.4 walks the same structures.
 *
 * <pre>
 * Header block (HEADER_LENGTH + 64 * listenerCapacity bytes)
 *   +0    8  magic            "MHLOG\0\r\n", written last at create
 *   +8    4  formatVersion    1
 *   +12   4  headerLength     bytes of the header block in use, listener table included
 *   +16   4  segmentSize      bytes of every segment block: a power of two, 4 KiB .. 1 GiB
 *   +20   4  listenerCapacity listener slots, 1..1024
 *   +24   8  headerChecksum   FNV-1a 64 of bytes 0..23
 *   +32  32  reserved, 0
 *   --- producers' words (the gaps keep them off the listeners' cache lines whatever the alignment)
 *   +64   8  lockWord         the log's robust lock: appends, segment switches, (un)registration, reclaim
 *   +72   8  tailSegment      offset of the segment appends go to
 *   +80   8  tailPosition     log position where the next entry goes (its header word is 0 there)
 *   +88  40  reserved, 0
 *   --- the segment chain
 *   +128  8  firstSegment     the oldest segment; a link (allocateInto / freeFrom)
 *   +136  8  retiring         a segment being freed (0 = none); a link, see {@link HeapLog}
 *   +144 48  reserved, 0
 *   +192     listener slots[listenerCapacity], 64 bytes each:
 *     +0  8  state            0 free; (SLOT_TAG &lt;&lt; 32) | nameLength when registered
 *     +8  8  ackPosition      log position up to which the listener has acknowledged (ordered store)
 *     +16 8  readerToken      owner token of the heap instance reading it now (0 = nobody)
 *     +24 40 name             UTF-8, nameLength bytes (1..40)
 *
 * Segment block (segmentSize bytes)
 *   +0    8  magic            "MHLOGSEG", written last when the segment is set up
 *   +8    8  index            0 for the first segment ever, +1 for each next one
 *   +16   8  next             the next segment (0 = none yet); a link
 *   +24   8  log              the header block's offset
 *   +32  32  reserved
 *   +64      entries, each at an 8-aligned offset:
 *     +0  8  header word      0 = nothing yet; (ENTRY_TAG &lt;&lt; 32) | length; or (END_TAG &lt;&lt; 32): go to next
 *     +8     payload          length bytes, then padding to a multiple of 8
 *
 * Log position = segment index * segmentSize + offset of the entry in its segment block (64 ..).
 * </pre>
 */
final class LogLayout {
    /** "MHLOG\0\r\n" read as a little-endian long. */
    static final long MAGIC = 0x0A0D00474F4C484DL;
    static final int FORMAT_VERSION = 1;
    static final int HEADER_LENGTH = 192;
    static final int SLOT_LENGTH = 64;

    static final int FORMAT_VERSION_OFFSET = 8;
    static final int HEADER_LENGTH_OFFSET = 12;
    static final int SEGMENT_SIZE_OFFSET = 16;
    static final int LISTENER_CAPACITY_OFFSET = 20;
    static final int CHECKSUM_OFFSET = 24;
    static final int LOCK_OFFSET = 64;
    static final int TAIL_SEGMENT_OFFSET = 72;
    static final int TAIL_POSITION_OFFSET = 80;
    static final int FIRST_SEGMENT_OFFSET = 128;
    static final int RETIRING_OFFSET = 136;

    static final int SLOT_STATE = 0;
    static final int SLOT_ACK = 8;
    static final int SLOT_READER = 16;
    static final int SLOT_NAME = 24;
    static final int MAX_NAME_BYTES = 40;
    /** "LSNR": the high half of a registered slot's state word. */
    static final long SLOT_TAG = 0x524E534CL;

    /** "MHLOGSEG" read as a little-endian long. */
    static final long SEGMENT_MAGIC = 0x474553474F4C484DL;
    static final int SEGMENT_INDEX = 8;
    static final int SEGMENT_NEXT = 16;
    static final int SEGMENT_LOG = 24;
    static final int SEGMENT_HEADER_LENGTH = 64;

    /** "ENT1": the high half of a published entry's header word. */
    static final long ENTRY_TAG = 0x31544E45L;
    /** "END!": the rest of the segment is unused; the log goes on in the next segment. */
    static final long END_TAG = 0x21444E45L;
    static final long END_WORD = END_TAG << 32;
    static final int ENTRY_HEADER_LENGTH = 8;

    static final int MIN_SEGMENT_SIZE = 4096;
    static final int MAX_SEGMENT_SIZE = 1 << 30;
    static final int MAX_LISTENERS = 1024;


    private LogLayout() {}

    /** @return the offset of listener slot {@code index} in the header block */
    static long slot(long header, int index) {
        return header + HEADER_LENGTH + (long) SLOT_LENGTH * index;
    }

    /** @return bytes of the header block for {@code listenerCapacity} slots */
    static long headerBytes(int listenerCapacity) {
        return HEADER_LENGTH + (long) SLOT_LENGTH * listenerCapacity;
    }

    /** @return the bytes an entry of {@code length} payload bytes takes in a segment, header and padding included */
    static long stride(int length) {
        return ENTRY_HEADER_LENGTH + ((length + 7L) & ~7L);
    }

    /** @return the longest payload a segment of {@code segmentSize} bytes holds (room is kept for an END word) */
    static int maxEntryLength(int segmentSize) {
        return segmentSize - SEGMENT_HEADER_LENGTH - 2 * ENTRY_HEADER_LENGTH;
    }

    /** @return the header word that publishes an entry of {@code length} bytes */
    static long entryWord(int length) {
        return (ENTRY_TAG << 32) | (length & 0xFFFFFFFFL);
    }

    /**
     * Checks the creation parameters.
     *
     * @throws IllegalArgumentException naming the value and the allowed range
     */
    static void checkParameters(int segmentSize, int listenerCapacity) {
        if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE || Integer.bitCount(segmentSize) != 1) {
            throw new IllegalArgumentException("segmentSize must be a power of two in " + MIN_SEGMENT_SIZE + ".."
                    + MAX_SEGMENT_SIZE + ": segmentSize=" + segmentSize);
        }
        if (listenerCapacity < 1 || listenerCapacity > MAX_LISTENERS) {
            throw new IllegalArgumentException("listenerCapacity out of range: listenerCapacity=" + listenerCapacity
                    + " allowed=1.." + MAX_LISTENERS);
        }
    }

    /**
     * FNV-1a 64 over the header's first 24 bytes, given as their three words (bytes in little-endian order, so
     * the result is the same as over the raw bytes).
     */
    static long checksum(long word0, long word1, long word2) {
        return HeaderChecksum.of(word0, word1, word2);
    }
}
