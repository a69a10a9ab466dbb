// Structs layer, transactions: one atomic group of writes, allocations and frees.
package dev.mappedheap.structs.tx;

import static dev.mappedheap.structs.tx.TxLayout.*;

import dev.mappedheap.allocator.Durability;
import dev.mappedheap.allocator.HeapLock;
import dev.mappedheap.allocator.InvalidOffsetException;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.HeapWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A transaction: writes, allocations and frees that become visible together at {@link #commit()}, and are
 * undone together by {@link #abort()}, by {@link #close()} without a commit (so an exception in a
 * try-with-resources block undoes it), or by whoever finds its owner dead (kill -9 at any instant).
 *
 * <pre>{@code
 * try (Transaction tx = transactions.begin()) {
 *     tx.lock(listHead + LOCK);                 // strict two-phase locking: held until commit or abort
 *     long node = tx.allocate(32);              // freed again if the transaction does not commit
 *     tx.writeLong(node, tx.heap().readLong(listHead));
 *     tx.writeLong(listHead, node);             // the old value is logged first
 *     tx.commit();
 * }
 * }</pre>
 *
 * <p>Undo logging at word granularity: before a transaction first changes an 8-byte word, the word's
 * address and old value go to the transaction's log in the heap. Words inside blocks the transaction itself
 * allocated are not logged (undo frees those blocks). {@link #free} is deferred to the commit, so an undo
 * never has to bring a block back. On a heap opened with {@link Durability#SYNC_EACH_OPERATION}, each log
 * entry reaches the device before the word it guards changes, and every change before the commit point, so a
 * committed transaction survives power loss too (at a cost of milliseconds per entry on a real disk).
 * Isolation is the caller's, through {@link #lock}: transactions on
 * different data run at once; data shared between transactions must be guarded by a lock that every writer
 * takes. Not thread-safe: one thread per transaction.
 */
public final class Transaction implements HeapWriter, AutoCloseable {
    private final Transactions table;
    private final MappedHeap heap;
    private final long slot;
    /** The heap was opened to survive power loss at every commit: the log goes to the device before the data. */
    private final boolean durable;
    private final Set<Long> loggedWords = new HashSet<>();
    /** Blocks this transaction allocated: start to end. Words in them need no undo. */
    private final TreeMap<Long, Long> allocated = new TreeMap<>();
    private final Set<Long> freed = new HashSet<>();
    private final List<HeapLock> locks = new ArrayList<>();
    /** The words of {@link #locks}, in the same order. */
    private long[] lockWords = new long[0];
    private List<Runnable> beforeUnlock;
    private long logBlock;
    private int logCount;
    private boolean finished;

    Transaction(Transactions table, long slot) {
        this.table = table;
        this.heap = table.heap();
        this.slot = slot;
        this.durable = heap.durability() == Durability.SYNC_EACH_OPERATION;
    }

    @Override
    public MappedHeap heap() {
        return heap;
    }

    /**
     * Takes the lock whose word is at {@code lockWord} until the transaction ends (again: nothing). If its
     * last holder died holding it, that holder's unfinished transaction is rolled back first.
     *
     * @throws IllegalStateException if another transaction of this thread holds the lock
     */
    public void lock(long lockWord) {
        checkOpen();
        if (holdsLock(lockWord)) {
            return;
        }
        HeapLock lock = heap.lockAt(lockWord);
        if (lock.isHeldByCurrentThread()) {
            // another transaction of this thread holds it: sharing it would let one undo what the other
            // committed, and release it while the other still works
            throw new IllegalStateException("lock held by another transaction of this thread: lockWord=" + lockWord
                    + " slot=" + slot + " (finish that transaction first, or do this work in it)");
        }
        if (lock.lock()) {
            table.recoverDead();
        }
        locks.add(lock);
        lockWords = Arrays.copyOf(lockWords, lockWords.length + 1);
        lockWords[lockWords.length - 1] = lockWord;
    }

    /** @return true if this transaction holds the lock whose word is at {@code lockWord} */
    public boolean holdsLock(long lockWord) {
        for (long held : lockWords) {
            if (held == lockWord) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code action} when the transaction has been committed or undone, while it still holds its locks
     * (e.g. to publish a new version for optimistic readers of what the locks guard). Actions run in the
     * order registered. If the process dies first, the action does not run: whoever takes a lock over next
     * must treat what the action would have written as stale.
     */
    public void beforeUnlock(Runnable action) {
        checkOpen();
        if (beforeUnlock == null) {
            beforeUnlock = new ArrayList<>(2);
        }
        beforeUnlock.add(action);
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void writeLong(long offset, long value) {
        logRange(offset, 8);
        heap.writeLong(offset, value);
    }

    @Override
    public void writeInt(long offset, int value) {
        logRange(offset, 4);
        heap.writeInt(offset, value);
    }

    @Override
    public void writeByte(long offset, byte value) {
        logRange(offset, 1);
        heap.writeByte(offset, value);
    }

    @Override
    public void write(long offset, byte[] src, int from, int len) {
        logRange(offset, len);
        heap.write(offset, src, from, len);
    }

    @Override
    public void copy(long fromOffset, long toOffset, long length) {
        logRange(toOffset, length);
        heap.copy(fromOffset, toOffset, length);
    }

    /** Logs the old value of every word that {@code [offset, offset + length)} touches, once each. */
    private void logRange(long offset, long length) {
        checkOpen();
        if (length <= 0) {
            return;
        }
        long first = offset & ~7L;
        long last = (offset + length - 1) & ~7L;
        for (long word = first; word <= last; word += 8) {
            if (!insideOwnAllocation(word) && loggedWords.add(word)) {
                append(word, heap.readLong(word));
            }
        }
    }

    private boolean insideOwnAllocation(long word) {
        Map.Entry<Long, Long> block = allocated.floorEntry(word);
        return block != null && word < block.getValue();
    }

    // ---------------------------------------------------------------- allocation

    /** Allocates a zeroed block that the transaction frees again unless it commits. */
    @Override
    public long allocate(long size) {
        checkOpen();
        int index = append(TAG_ALLOC, 0);
        long block = heap.allocateInto(logBlock, entryValueField(index), size);
        allocated.put(block, block + heap.usableSize(block));
        return block;
    }

    /** A new block with the old one's contents; the old block is freed at commit. */
    @Override
    public long reallocate(long offset, long newSize) {
        long oldSize = heap.usableSize(offset);
        long moved = allocate(newSize);
        heap.copy(offset, moved, Math.min(oldSize, heap.usableSize(moved)));
        free(offset);
        return moved;
    }

    /**
     * Frees {@code offset} when the transaction commits (immediately visible as nothing: the block stays
     * allocated until then, so an abort has nothing to bring back).
     *
     * @throws InvalidOffsetException if it is not a live block, or this transaction already freed it
     */
    @Override
    public void free(long offset) {
        checkOpen();
        heap.usableSize(offset); // a live block, or InvalidOffsetException now rather than at commit
        if (!freed.add(offset)) {
            throw new InvalidOffsetException("freed twice in one transaction: offset=" + offset);
        }
        append(TAG_FREE, offset);
    }

    // ---------------------------------------------------------------- the log

    /** Writes one entry, then publishes it by raising the block's count. @return the entry's index */
    private int append(long tag, long value) {
        if (logBlock == 0 || logCount == LOG_ENTRIES) {
            long holder = logBlock == 0 ? table.offset() : logBlock;
            long field = logBlock == 0 ? slot - table.offset() + LOG_HEAD : LOG_NEXT;
            // allocateInto hands the block over zeroed (next 0, count 0) in the same atomic step that links
            // it: a recovery that finds a block linked by an owner killed right after sees an empty block,
            // never the stale entries of the transaction that used the same memory before.
            logBlock = heap.allocateInto(holder, field, LOG_BLOCK_BYTES);
            logCount = 0;
        }
        long entry = logBlock + LOG_ENTRIES_OFFSET + (long) ENTRY_LENGTH * logCount;
        heap.writeLong(entry, tag);
        heap.writeLong(entry + 8, value);
        heap.writeOrderedLong(logBlock + LOG_COUNT, logCount + 1);
        if (durable) { // write-ahead: the entry is on the device before the word it guards changes
            heap.syncRange(logBlock + LOG_COUNT, entry + ENTRY_LENGTH - (logBlock + LOG_COUNT));
        }
        return logCount++;
    }

    // ---------------------------------------------------------------- the end

    /** Makes every change permanent: one ordered store is the commit point; then the deferred frees. */
    public void commit() {
        checkOpen();
        if (durable) {
            heap.syncIfDurable(); // every change on the device before the commit point is
        }
        heap.writeOrderedLong(slot + STATE, COMMITTED);
        try {
            if (durable) {
                heap.syncRange(slot + STATE, 8);
            }
        } finally {
            finish(true); // committed from here on, whatever the flush did: never undo a committed slot
        }
    }

    /** Undoes every change: restores the logged words, newest first, and frees what was allocated. */
    public void abort() {
        checkOpen();
        finish(false);
    }

    /**
     * Settles the log, then releases the locks, then the slot. If settling fails (a damaged log), nothing is
     * released: the data stays locked by this instance and is recovered once it closes, rather than shown
     * half undone.
     */
    private void finish(boolean committed) {
        finished = true;
        table.settle(slot, committed);
        if (beforeUnlock != null) {
            for (Runnable action : beforeUnlock) {
                action.run();
            }
        }
        for (int i = locks.size() - 1; i >= 0; i--) {
            locks.get(i).unlock();
        }
        table.freeSlot(slot);
    }

    /** Aborts the transaction unless it committed or aborted already. */
    @Override
    public void close() {
        if (!finished) {
            abort();
        }
    }

    /** @return true once committed or aborted */
    public boolean isFinished() {
        return finished;
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("transaction already finished: slot=" + slot);
        }
    }
}
