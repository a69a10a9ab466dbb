// Structs layer, transactions: the table of transaction slots, and recovery of dead owners' transactions.
package dev.mappedheap.structs.tx;

import static dev.mappedheap.structs.tx.TxLayout.*;

import dev.mappedheap.allocator.HeapCorruptedException;
import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.IncompatibleFormatException;
import dev.mappedheap.allocator.MappedHeap;
import java.util.concurrent.locks.LockSupport;

/**
 * The transaction table of a heap: a block of slots, one per transaction in progress in any process.
 * {@link #begin()} claims a slot and returns a {@link Transaction}.
 *
 * <p><b>Recovery.</b> A transaction whose owner (a heap instance, see {@link MappedHeap#ownerToken()}) died
 * is rolled back, or finished if it had committed, by whoever finds it: {@link #open} does it for every
 * slot, and so does a transaction that takes over a {@link Transaction#lock lock} from a dead holder, before
 * it touches what the lock guards. A recoverer marks the slot {@code undoing}/{@code redoing} and then
 * takes it over; others wait while a live recoverer works and take over from a dead one.
 */
public final class Transactions {
    private final MappedHeap heap;
    private final long table;
    private final int slots;

    private Transactions(MappedHeap heap, long table, int slots) {
        this.heap = heap;
        this.table = table;
        this.slots = slots;
    }

    /**
     * Creates a transaction table with room for {@code slots} transactions at once.
     *
     * @return the table; store {@link #offset()} where you will find it again (a root)
     */
    public static Transactions create(MappedHeap heap, int slots) {
        if (slots < 1 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("slots out of range: slots=" + slots + " (1.." + MAX_SLOTS + ")");
        }
        long table = heap.allocate(SLOTS_OFFSET + (long) SLOT_LENGTH * slots);
        for (long at = table + 8; at < table + SLOTS_OFFSET + (long) SLOT_LENGTH * slots; at += 8) {
            heap.writeLong(at, 0);
        }
        heap.writeInt(table + VERSION_OFFSET, VERSION);
        heap.writeInt(table + SLOT_COUNT_OFFSET, slots);
        heap.writeOrderedLong(table, MAGIC); // last: a half-made table is not mistaken for one
        return new Transactions(heap, table, slots);
    }

    /**
     * Opens the table at {@code table} and recovers every transaction whose owner has died.
     *
     * @throws IncompatibleFormatException if the block is not a transaction table of this version
     */
    public static Transactions open(MappedHeap heap, long table) {
        long size = heap.usableSize(table);
        long magic = heap.readLong(table);
        int version = heap.readInt(table + VERSION_OFFSET);
        int slots = heap.readInt(table + SLOT_COUNT_OFFSET);
        if (magic != MAGIC || version != VERSION || slots < 1 || slots > MAX_SLOTS
                || size < SLOTS_OFFSET + (long) SLOT_LENGTH * slots) {
            throw new IncompatibleFormatException("not a transaction table: offset=" + table + " magic=0x"
                    + Long.toHexString(magic) + " expected=0x" + Long.toHexString(MAGIC) + " version=" + version
                    + " supported=" + VERSION + " slots=" + slots + " blockSize=" + size);
        }
        Transactions transactions = new Transactions(heap, table, slots);
        transactions.recoverDead();
        return transactions;
    }

    /** @return the table's block offset */
    public long offset() {
        return table;
    }

    /** @return the heap the table lives in */
    public MappedHeap heap() {
        return heap;
    }

    /**
     * Starts a transaction in a free slot, recovering dead owners' slots first when none is free.
     *
     * @throws HeapException if every slot stays busy with live transactions
     */
    public Transaction begin() {
        long token = heap.ownerToken();
        for (int attempt = 0; attempt < 3; attempt++) {
            for (int i = 0; i < slots; i++) {
                long slot = slot(table, i);
                if (heap.readVolatileLong(slot + OWNER) == 0 && heap.readVolatileLong(slot + STATE) == IDLE
                        && heap.compareAndSwapLong(slot + OWNER, 0, token)) {
                    heap.writeOrderedLong(slot + STATE, ACTIVE);
                    return new Transaction(this, slot);
                }
            }
            recoverDead();
        }
        throw new HeapException("every transaction slot is busy: slots=" + slots + " table=" + table);
    }

    /** Rolls back (or finishes, if committed) every transaction whose owner has died; waits for live recoverers. */
    public void recoverDead() {
        for (int i = 0; i < slots; i++) {
            recoverSlot(slot(table, i));
        }
    }

    private void recoverSlot(long slot) {
        long park = 10_000;
        for (int round = 0; ; round++) {
            if (round > 1_000_000) {
                throw new HeapCorruptedException("transaction slot never settles: slot=" + slot);
            }
            long owner = heap.readVolatileLong(slot + OWNER);
            long state = heap.readVolatileLong(slot + STATE);
            if (owner == 0) {
                return;
            }
            if (heap.readVolatileLong(slot + OWNER) != owner) {
                // the slot changed hands between the two reads (recovered, then claimed by a new
                // transaction): state may be the new owner's, which must not be judged by the old owner
                continue;
            }
            if (heap.isOwnerAlive(owner)) {
                if (state != UNDOING && state != REDOING) {
                    return; // a live transaction: not ours to touch
                }
                LockSupport.parkNanos(park); // a live recoverer is at work: what we guard depends on it
                park = Math.min(park * 2, 1_000_000);
                continue;
            }
            if (state == IDLE) {
                heap.compareAndSwapLong(slot + OWNER, owner, 0); // died between claiming and starting
            } else if (state == ACTIVE) {
                heap.compareAndSwapLong(slot + STATE, ACTIVE, UNDOING);
            } else if (state == COMMITTED) {
                heap.compareAndSwapLong(slot + STATE, COMMITTED, REDOING);
            } else if (state == UNDOING || state == REDOING) {
                if (heap.compareAndSwapLong(slot + OWNER, owner, heap.ownerToken())) {
                    settle(slot, state == REDOING);
                    heap.writeOrderedLong(slot + STATE, IDLE);
                    heap.writeOrderedLong(slot + OWNER, 0);
                    return;
                }
            } else {
                throw new HeapCorruptedException("transaction slot state out of range: slot=" + slot + " state="
                        + state);
            }
        }
    }

    /** Undoes or finishes the slot's transaction and releases its log. */
    void settle(long slot, boolean committed) {
        if (committed) {
            UndoLog.finishCommit(heap, slot);
        } else {
            UndoLog.undo(heap, slot);
        }
        UndoLog.release(heap, table, slot);
    }

    /** Returns a slot to idle, at the very end of its transaction. */
    void freeSlot(long slot) {
        heap.writeOrderedLong(slot + STATE, IDLE);
        heap.writeOrderedLong(slot + OWNER, 0);
    }
}
