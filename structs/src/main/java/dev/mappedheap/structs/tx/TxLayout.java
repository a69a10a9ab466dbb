// Structs layer, transactions: where things are in the transaction table and the undo log blocks.
package dev.mappedheap.structs.tx;

/**
 * The on-heap format of transactions. All integers little-endian; offsets are into block payloads.
 *
 * <pre>
 * Transaction table block
 *   +0   8  magic        "MHTXTAB1"
 *   +8   4  version      1
 *   +12  4  slotCount    1..4096
 *   +16 16  reserved     0
 *   +32     slots[slotCount], 32 bytes each:
 *     +0  8  owner      token of the heap instance running the slot's transaction (0 = idle)
 *     +8  8  state      0 idle, 1 active, 2 committed, 3 undoing, 4 redoing
 *     +16 8  logHead    first undo-log block (0 = none); a link for allocateInto/freeFrom
 *     +24 8  reserved
 *
 * Undo-log block (LOG_BLOCK_BYTES of payload)
 *   +0   8  next        the next log block (0 = last); a link
 *   +8   8  count       entries in use, published after each entry is written
 *   +16     entries[LOG_ENTRIES], 16 bytes each: {tag or address, value}
 *     address (&gt;= the heap's first block, 8-aligned): value is the word's value before the transaction
 *     ALLOC (1): value is a block the transaction allocated (0 until allocated; cleared when freed)
 *     FREE  (2): value is a block the transaction frees at commit (cleared when freed)
 * </pre>
 */
final class TxLayout {
    static final long MAGIC = 0x314241545854484DL; // "MHTXTAB1" little-endian
    static final int VERSION = 1;
    static final int VERSION_OFFSET = 8;
    static final int SLOT_COUNT_OFFSET = 12;
    static final int SLOTS_OFFSET = 32;
    static final int SLOT_LENGTH = 32;
    static final int MAX_SLOTS = 4096;

    static final int OWNER = 0;
    static final int STATE = 8;
    static final int LOG_HEAD = 16;

    static final long IDLE = 0;
    static final long ACTIVE = 1;
    static final long COMMITTED = 2;
    static final long UNDOING = 3;
    static final long REDOING = 4;

    static final int LOG_BLOCK_BYTES = 4096;
    static final int LOG_NEXT = 0;
    static final int LOG_COUNT = 8;
    static final int LOG_ENTRIES_OFFSET = 16;
    static final int ENTRY_LENGTH = 16;
    static final int LOG_ENTRIES = (LOG_BLOCK_BYTES - LOG_ENTRIES_OFFSET) / ENTRY_LENGTH;

    static final long TAG_ALLOC = 1;
    static final long TAG_FREE = 2;

    private TxLayout() {}

    static long slot(long table, int index) {
        return table + SLOTS_OFFSET + (long) SLOT_LENGTH * index;
    }

    /** @return the offset, inside its log block, of entry {@code index}'s value word */
    static long entryValueField(int index) {
        return LOG_ENTRIES_OFFSET + (long) ENTRY_LENGTH * index + 8;
    }
}
