package dev.mappedheap.allocator.format;

/**
 * Format layer: the undo journal, an array of entries right after the header.
 *
 * <pre>
 * entry i at journalOffset + 24 * i
 *   +0  address   file offset of the metadata word this entry can restore (8-aligned)
 *   +8  oldValue  that word's value before the operation first changed it
 *  +16  seq       the operation's sequence number; the entry is live iff seq == header.journalSeq
 * </pre>
 *
 * <p>An operation with sequence number {@code s} (the value of {@code journalSeq} while it runs) writes, for
 * each metadata word before its first change, the entry's address and old value, then {@code seq = s}, and
 * only then the new value. It commits with one 8-byte store, {@code journalSeq = s + 1}, which turns all its
 * entries stale at once. Recovery restores the live prefix of entries (those with {@code seq == s}, from
 * entry 0 up to the first that is not) in reverse order and then stores {@code s + 1}; doing that twice
 * gives the same result, so a crash during recovery is recovered the same way.
 */
public final class JournalLayout {
    public static final int ADDRESS_OFFSET = 0;
    public static final int OLD_VALUE_OFFSET = 8;
    public static final int SEQ_OFFSET = 16;
    public static final int ENTRY_LENGTH = 24;
    /** Entries in a new file's journal: far more than the deepest tree rebalance of the largest heap. */
    public static final int DEFAULT_CAPACITY = 2048;
    /** Where the journal starts: right after the header. */
    public static final long DEFAULT_JOURNAL_OFFSET = HeaderLayout.HEADER_LENGTH;

    private JournalLayout() {}

    /** @return the first block's offset for a journal of {@code capacity} entries at {@code journalOffset} */
    public static long heapStartAfter(long journalOffset, int capacity) {
        long end = journalOffset + (long) ENTRY_LENGTH * capacity;
        return (end + 4095) & ~4095L;
    }
}
