package dev.mappedheap.allocator.journal;

import static dev.mappedheap.allocator.format.JournalLayout.ADDRESS_OFFSET;
import static dev.mappedheap.allocator.format.JournalLayout.ENTRY_LENGTH;
import static dev.mappedheap.allocator.format.JournalLayout.OLD_VALUE_OFFSET;
import static dev.mappedheap.allocator.format.JournalLayout.SEQ_OFFSET;

import dev.mappedheap.allocator.HeapCorruptedException;
import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.format.HeaderLayout;
import dev.mappedheap.allocator.internal.BenchmarkSwitch;
import dev.mappedheap.allocator.internal.HeapMemory;
import java.util.Arrays;

/**
 * Journal layer: the undo log every metadata write goes through, committed by one 8-byte store.
 *
 * <p>An operation is {@link #begin()}, any number of {@link #write}s, then {@link #commit()}. Before a word's
 * first change in an operation, its address and old value are appended to the journal in the file, tagged
 * with the operation's sequence number; the tag is written after the entry's other words and before the
 * metadata word itself, each with a release store, so a process killed at any instant leaves either the
 * old word, or the new word with an entry that restores it. {@link #commit()} stores {@code seq + 1} in the
 * header's {@code journalSeq}, which makes every entry of the operation stale at once. The format and the
 * recovery rule are in {@link dev.mappedheap.allocator.format.JournalLayout}.
 *
 * <p>Only the first before-image of a word matters, so repeated writes of one word in one operation (tree
 * rebalancing touches the same nodes again and again) are logged once. Most operations log a handful of
 * words, found by scanning a small array; a large one switches to a hash table, both here in the JVM.
 *
 * <p>Not thread-safe: one operation at a time, under the heap's lock. Several processes (and several
 * instances in one process) share the journal in the file, each through its own object; the lock makes
 * their operations take turns, and each operation starts from the sequence number in the file.
 */
public final class UndoJournal {
    /** Up to this many entries, finding a logged word scans them; past it, a hash table is built. */
    private static final int SCAN_LIMIT = 24;
    private static final int TABLE_SIZE = 8192; // a power of two, twice the largest journal
    private static final int TABLE_MASK = TABLE_SIZE - 1;
    /** The largest journal this class accepts: its dedupe table must stay at most half full. */
    public static final int MAX_CAPACITY = TABLE_SIZE / 2;

    private final HeapMemory memory;
    private final long journalOffset;
    private final int capacity;
    private final long heapStart;
    private final long[] recentAddresses = new long[SCAN_LIMIT];
    private final long[] loggedAddresses = new long[TABLE_SIZE];
    private final int[] loggedStamps = new int[TABLE_SIZE];
    private int stamp;
    private long seq;
    private int count;
    /** Entries of this operation before this index are on the device (only counted with a barrier). */
    private int flushedCount;
    private int writes;
    private boolean active;
    private CrashHook crashHook;
    private Barrier barrier;

    /**
     * Test hook called before each journaled store, so a test can stop an operation between two metadata
     * writes exactly as a crash would.
     */
    @FunctionalInterface
    public interface CrashHook {
        /**
         * @param writeIndex how many metadata words this operation has stored so far
         */
        void beforeWrite(int writeIndex);
    }

    /**
     * Flushes that order the journal's writes on the device, for a heap that must survive power loss
     * operation by operation ({@code Durability.SYNC_EACH_OPERATION}). Without one (the default) the journal
     * orders its stores for other processes and for a process crash only.
     *
     * <p>An undo journal is safe against power loss when each entry reaches the device before the word it
     * guards (the kernel writes a changed page back whenever it likes, so a word's new value may otherwise be
     * on the device with no entry to undo it), and when every change is on the device before the store that
     * retires the entries (the commit, a rollback's end, a recovery's end), which is flushed last.
     */
    public interface Barrier {
        /**
         * Called when an entry is complete, before the word it guards changes, with every entry of the
         * operation not flushed yet: recovery reads the live entries as a prefix, so an entry must never be
         * on the device without every entry before it.
         *
         * @param entryOffset where the first entry not yet flushed starts in the file
         * @param length bytes from there to the end of the new entry
         */
        void entryWritten(long entryOffset, int length);

        /** Called before the store that retires an operation's entries: every change so far must be durable. */
        void beforeRetire();

        /**
         * Called after that store.
         *
         * @param seqOffset where the sequence word just stored is in the file
         */
        void afterRetire(long seqOffset);
    }

    /**
     * @param memory the heap's mapping
     * @param journalOffset where entry 0 starts (validated by the caller)
     * @param capacity entries in the journal (validated by the caller)
     */
    public UndoJournal(HeapMemory memory, long journalOffset, int capacity, long heapStart) {
        if (capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("journal capacity=" + capacity + " above " + MAX_CAPACITY);
        }
        this.memory = memory;
        this.journalOffset = journalOffset;
        this.capacity = capacity;
        this.heapStart = heapStart;
        this.seq = memory.readLong(HeaderLayout.JOURNAL_SEQ_OFFSET);
    }

    /** Installs (or with {@code null} removes) the test hook. */
    public void crashHook(CrashHook hook) {
        this.crashHook = hook;
    }

    /** Installs (or with {@code null} removes) the flushes that make each operation durable. */
    public void barrier(Barrier barrier) {
        this.barrier = barrier;
    }

    /** @return the installed flushes, or null when operations are not flushed */
    public Barrier barrier() {
        return barrier;
    }

    /** Starts an operation, under the heap's lock, after {@link #recover} has found the journal clean. */
    public void begin() {
        if (active) {
            throw new IllegalStateException("an operation is already in progress: seq=" + seq);
        }
        seq = memory.readLong(HeaderLayout.JOURNAL_SEQ_OFFSET); // other processes commit too
        active = true;
        count = 0;
        flushedCount = 0;
        writes = 0;
        nextStamp();
    }

    /** Empties the hash table in O(1): entries of older stamps count as absent. */
    private void nextStamp() {
        if (++stamp == 0) {
            Arrays.fill(loggedStamps, 0);
            stamp = 1;
        }
    }

    /**
     * Stores {@code value} in the metadata word at {@code offset}, logging the old value first if this is
     * the word's first change in the operation.
     */
    public void write(long offset, long value) {
        if (BenchmarkSwitch.UNGUARDED) {
            memory.writeLong(offset, value);
            return;
        }
        long old = memory.readLong(offset);
        if (old == value) {
            return;
        }
        if (!alreadyLogged(offset)) {
            append(offset, old, true);
        }
        CrashHook hook = crashHook;
        if (hook != null) {
            hook.beforeWrite(writes);
        }
        writes++;
        memory.writeOrderedLong(offset, value);
    }

    /**
     * Stores {@code value} in a word of never-used space (the top of the heap), logging 0 as its old value
     * without reading it. Rolling back leaves a zero there, which is as good as the bytes it had: the top's
     * contents mean nothing. Not reading matters: the first touch of a fresh page is then a write, which
     * the kernel serves with one page fault, where a read first costs a read fault and then a
     * write-protect fault.
     */
    public void writeFresh(long offset, long value) {
        if (BenchmarkSwitch.UNGUARDED) {
            memory.writeLong(offset, value);
            return;
        }
        if (!alreadyLogged(offset)) {
            // no flush before the store: on the device, a new word in the top without its entry is as
            // meaningless as any other byte there, and the words that make the block part of the heap
            // (the top pointer, the neighbour's bits) are logged and flushed as usual
            append(offset, 0, false);
        }
        CrashHook hook = crashHook;
        if (hook != null) {
            hook.beforeWrite(writes);
        }
        writes++;
        memory.writeOrderedLong(offset, value);
    }

    /**
     * Logs the word at {@code offset} as it is, without changing it, so a rollback restores it after
     * something not journaled (a bulk copy inside the operation) overwrites it.
     */
    public void preserve(long offset) {
        if (BenchmarkSwitch.UNGUARDED) {
            return;
        }
        if (!alreadyLogged(offset)) {
            append(offset, memory.readLong(offset), true);
        }
    }

    private boolean alreadyLogged(long offset) {
        if (count < SCAN_LIMIT) {
            for (int i = 0; i < count; i++) {
                if (recentAddresses[i] == offset) {
                    return true;
                }
            }
            recentAddresses[count] = offset;
            return false;
        }
        if (count == SCAN_LIMIT) {
            for (long address : recentAddresses) {
                hashed(address);
            }
        }
        return hashed(offset);
    }

    /** @return true when {@code offset} was already in the hash table, adding it otherwise */
    private boolean hashed(long offset) {
        int slot = (int) ((offset >>> 3) * 0x9E3779B97F4A7C15L >>> 51) & TABLE_MASK;
        while (loggedStamps[slot] == stamp) {
            if (loggedAddresses[slot] == offset) {
                return true;
            }
            slot = (slot + 1) & TABLE_MASK;
        }
        loggedStamps[slot] = stamp;
        loggedAddresses[slot] = offset;
        return false;
    }

    /** @param flush whether the barrier must put this entry on the device before the word changes */
    private void append(long offset, long old, boolean flush) {
        if (!journalable(offset)) {
            // only reachable through a corrupt link; refusing keeps the immutable header and the journal intact
            rollback();
            throw new HeapCorruptedException("refusing a metadata write outside the heap's metadata: address="
                    + offset);
        }
        if (count == capacity) {
            // cannot happen within the documented limits; undo what was done rather than lose atomicity
            rollback();
            throw new HeapException("operation too large for the journal: capacity=" + capacity + " entries");
        }
        long entry = journalOffset + (long) ENTRY_LENGTH * count;
        memory.writeLong(entry + ADDRESS_OFFSET, offset);
        memory.writeOrderedLong(entry + OLD_VALUE_OFFSET, old);
        memory.writeOrderedLong(entry + SEQ_OFFSET, seq);
        count++;
        Barrier b = barrier;
        if (b != null && flush) {
            long from = journalOffset + (long) ENTRY_LENGTH * flushedCount;
            b.entryWritten(from, (int) (entry + ENTRY_LENGTH - from));
            flushedCount = count;
        }
    }

    /**
     * @return true for the words an entry may restore: 8-aligned, in the header's mutable part (after the
     *     commit word and the lock word) or in the heap. Recovery accepts exactly these.
     */
    private boolean journalable(long address) {
        boolean inHeader = address >= HeaderLayout.CAPACITY_OFFSET && address < HeaderLayout.HEADER_LENGTH;
        return (address & 7) == 0 && (inHeader || address >= heapStart);
    }

    /** Makes the operation's writes permanent with one 8-byte store. */
    public void commit() {
        if (count > 0) {
            CrashHook hook = crashHook;
            if (hook != null) {
                hook.beforeWrite(writes); // the commit store is a crash point too: after every write, before it
            }
            retire();
        }
        active = false;
    }

    /** Stores {@code seq + 1}, which makes every entry of the operation stale, between the barrier's flushes. */
    private void retire() {
        Barrier b = barrier;
        if (b != null) {
            b.beforeRetire();
        }
        seq++;
        memory.writeOrderedLong(HeaderLayout.JOURNAL_SEQ_OFFSET, seq);
        if (b != null) {
            b.afterRetire(HeaderLayout.JOURNAL_SEQ_OFFSET);
        }
    }

    /**
     * Moves the sequence number on for changes made outside the journal (a repair), so that whoever compares
     * sequence numbers to learn whether the blocks changed (a walk between its batches) sees it: called before
     * the first of those changes, so that one stopped midway is announced too. Under the
     * heap's lock, with no operation open; every entry already holds an older number, so none becomes live.
     */
    public void markChanged() {
        if (active) {
            throw new IllegalStateException("an operation is in progress: seq=" + seq);
        }
        seq = memory.readLong(HeaderLayout.JOURNAL_SEQ_OFFSET);
        retire();
    }

    /** Undoes the operation's writes, newest first, then retires its entries as a commit would. */
    public void rollback() {
        if (count > 0) {
            restore(count, null);
            count = 0;
            retire();
        }
        active = false; // an operation refused before its first write leaves the file untouched
    }

    /** Restores the first {@code entries} entries, newest first; {@code hook} (tests) can stop it midway. */
    private void restore(int entries, CrashHook hook) {
        for (int i = entries - 1; i >= 0; i--) {
            if (hook != null) {
                hook.beforeWrite(entries - 1 - i);
            }
            long entry = journalOffset + (long) ENTRY_LENGTH * i;
            long address = memory.readLong(entry + ADDRESS_OFFSET);
            long old = memory.readLong(entry + OLD_VALUE_OFFSET);
            memory.writeOrderedLong(address, old);
        }
    }

    /**
     * Rolls back an operation that a crash interrupted, if there is one: called under the heap's lock each
     * time it is taken, before anything reads the metadata. A clean journal costs one read: entry 0 is
     * stamped with the current sequence number only while an operation is open.
     *
     * @param metadataEnd the end of the region a journal entry may restore: every entry must point at an
     *     8-aligned word after the journal and before this offset, or the file is corrupt
     * @return how many words were restored (0 when the last operation committed)
     * @throws HeapCorruptedException if a live entry points outside the heap
     */
    public int recover(long metadataEnd) {
        seq = memory.readLong(HeaderLayout.JOURNAL_SEQ_OFFSET);
        int live = 0;
        while (live < capacity) {
            long entry = journalOffset + (long) ENTRY_LENGTH * live;
            if (memory.readLong(entry + SEQ_OFFSET) != seq) {
                break;
            }
            long address = memory.readLong(entry + ADDRESS_OFFSET);
            if (!journalable(address) || address > metadataEnd - 8) {
                throw new HeapCorruptedException("journal entry points outside the heap: entry=" + live + " offset="
                        + (entry + ADDRESS_OFFSET) + " field=address found=" + address + " expected=8-aligned, in ["
                        + HeaderLayout.CAPACITY_OFFSET + ", " + HeaderLayout.HEADER_LENGTH + ") or [" + heapStart + ", "
                        + metadataEnd + ") seq=" + seq);
            }
            live++;
        }
        if (live > 0) {
            restore(live, crashHook); // a test's hook can crash recovery itself; recovering again must work
            retire();
        }
        return live;
    }
}
