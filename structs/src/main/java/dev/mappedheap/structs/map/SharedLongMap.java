// Structs layer, map: an OrderedLongMap shared by many threads and processes, crash-safe through transactions.
package dev.mappedheap.structs.map;

import static dev.mappedheap.structs.map.MapHeaderLayout.LOCK_WORD_OFFSET;
import static dev.mappedheap.structs.map.MapHeaderLayout.MOD_COUNT_OFFSET;

import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.HeapLock;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.tx.Transaction;
import dev.mappedheap.structs.tx.Transactions;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.Function;

/**
 * An {@link OrderedLongMap} that any number of threads and processes read and write at once, and that a
 * kill -9 of a writer at any instant leaves whole.
 *
 * <pre>{@code
 * SharedLongMap uids = SharedLongMap.create(transactions, 8);
 * uids.put(4711, modseq);                      // one transaction of its own
 * long seq = uids.rank(4711) + 1;              // optimistic read: no lock, no write to the file
 * try (Transaction tx = transactions.begin()) { // several changes, atomically, with other structures too
 *     OrderedLongMap map = uids.writable(tx);
 *     map.remove(4711);
 *     map.put(4712, modseq + 1);
 *     tx.commit();
 * }
 * }</pre>
 *
 * <p><b>Writers</b> take the map's robust lock (the header's {@code lockWord}) through a {@link Transaction},
 * so all their writes are undo-logged, their allocations rolled back and their frees deferred; a writer
 * that dies is rolled back by whoever takes the lock next. Writers are serialised: one at a time per map.
 *
 * <p><b>Readers</b> take no lock and write nothing: a seqlock over the header's {@code modCount} word. A
 * writer makes it odd before its first change and, once its transaction is committed or undone but before
 * it releases the lock, sets it to the next even value; a read runs when the count is even and counts only
 * if the count is the same afterwards. A torn read can only throw or return garbage that is then thrown
 * away. A count left odd by a dead writer is repaired by the next lock holder, after the rollback; a reader
 * that keeps finding it odd (a dead writer, or a writer that is slow) reads under the lock instead, which
 * also triggers that recovery — so no reader waits on a dead process. Falling back takes no transaction
 * slot. A thread that is itself writing the map (inside {@link #writable}) reads its own changes.
 */
public final class SharedLongMap {
    /** Optimistic attempts before a read falls back to the lock (each failed attempt yields once). */
    private static final int OPTIMISTIC_ATTEMPTS = 64;

    private final Transactions transactions;
    private final MappedHeap heap;
    private final OrderedLongMap reader;
    private final long lockWord;
    private final long versionWord;

    private SharedLongMap(Transactions transactions, OrderedLongMap reader) {
        this.transactions = transactions;
        this.heap = transactions.heap();
        this.reader = reader;
        this.lockWord = reader.headerOffset() + LOCK_WORD_OFFSET;
        this.versionWord = reader.headerOffset() + MOD_COUNT_OFFSET;
    }

    /**
     * Creates an empty map with values of {@code valueWidth} bytes, in one transaction of {@code transactions}.
     *
     * @return the map; store {@link #headerOffset()} where you will find it again (a root, or named roots)
     */
    public static SharedLongMap create(Transactions transactions, int valueWidth) {
        return create(transactions, valueWidth, OrderedLongMap.DEFAULT_NODE_SIZE);
    }

    /** Creates an empty map with values of {@code valueWidth} bytes in nodes of {@code nodeSize} bytes. */
    public static SharedLongMap create(Transactions transactions, int valueWidth, int nodeSize) {
        MappedHeap heap = transactions.heap();
        OrderedLongMap created;
        try (Transaction tx = transactions.begin()) {
            created = OrderedLongMap.create(heap, tx, valueWidth, nodeSize);
            tx.commit();
        }
        return new SharedLongMap(transactions, OrderedLongMap.open(heap, created.headerOffset()));
    }

    /**
     * Opens the map whose header is at {@code headerOffset}.
     *
     * @throws MapFormatException if there is no map there
     * @throws MapCorruptedException if its header contradicts itself
     */
    public static SharedLongMap open(Transactions transactions, long headerOffset) {
        Objects.requireNonNull(transactions, "transactions");
        return new SharedLongMap(transactions, OrderedLongMap.open(transactions.heap(), headerOffset));
    }

    /** @return the header's offset, to {@link #open} the map again */
    public long headerOffset() {
        return reader.headerOffset();
    }

    // ---------------------------------------------------------------- writes

    /**
     * Takes the map's lock for {@code tx} (until it ends) and returns the map writing through it. Calling it
     * again in the same transaction is cheap and returns an equivalent view.
     */
    public OrderedLongMap writable(Transaction tx) {
        boolean first = !tx.holdsLock(lockWord);
        tx.lock(lockWord); // throws if another transaction of this thread holds it
        if (first) {
            long stable = stableVersionUnderLock();
            heap.writeOrderedLong(versionWord, stable + 1); // odd: readers from now on retry
            VarHandle.storeStoreFence(); // a release store orders what came before it; the changes come after
            tx.beforeUnlock(() -> heap.writeOrderedLong(versionWord, stable + 2));
        }
        return OrderedLongMap.open(heap, tx, reader.headerOffset());
    }

    /** Inserts or replaces, in a transaction of its own. @return true if the key was new */
    public boolean put(long key, long value) {
        try (Transaction tx = transactions.begin()) {
            boolean added = writable(tx).put(key, value);
            tx.commit();
            return added;
        }
    }

    /** Inserts or replaces {@code value} (of the map's value width), in a transaction of its own. */
    public boolean put(long key, byte[] value) {
        try (Transaction tx = transactions.begin()) {
            boolean added = writable(tx).put(key, value);
            tx.commit();
            return added;
        }
    }

    /** Removes {@code key}, in a transaction of its own. @return true if it was present */
    public boolean remove(long key) {
        try (Transaction tx = transactions.begin()) {
            boolean removed = writable(tx).remove(key);
            tx.commit();
            return removed;
        }
    }

    // ---------------------------------------------------------------- reads

    /** @return {@code key}'s value, or {@code missing} */
    public long get(long key, long missing) {
        return readLong(GET, key, missing);
    }

    /** @return true if {@code key} is in the map */
    public boolean containsKey(long key) {
        return readLong(CONTAINS, key, 0) != 0;
    }

    /** @return the number of keys {@code < key} */
    public long rank(long key) {
        return readLong(RANK, key, 0);
    }

    /** @return the {@code index}-th smallest key @throws IndexOutOfBoundsException unless {@code 0 <= index < size()} */
    public long select(long index) {
        return readLong(SELECT, index, 0);
    }

    /** @return the number of entries */
    public long size() {
        return readLong(SIZE, 0, 0);
    }

    /**
     * Runs {@code query} on a consistent state of the map — several calls see one moment — and returns its
     * result. It may run several times (it must not have side effects outside its result); a run that saw a
     * change in progress is discarded, exceptions included. The map passed in is read-only.
     */
    public <R> R read(Function<OrderedLongMap, R> query) {
        for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
            long version = heap.readVolatileLong(versionWord);
            if ((version & 1) != 0 && attempt == 0 && writtenByThisThread()) {
                return query.apply(reader);
            }
            if ((version & 1) == 0) {
                R result;
                try {
                    result = query.apply(reader);
                } catch (RuntimeException e) {
                    if (validate(version)) {
                        throw e; // a real answer: the map did not change while it was computed
                    }
                    continue;
                }
                if (validate(version)) {
                    return result;
                }
            }
            Thread.yield();
        }
        return readLocked(query);
    }

    /** @return the map's invariants checked, under the lock (so with a consistent view) */
    public MapCheckReport check() {
        return readLocked(OrderedLongMap::check);
    }

    private interface LongQuery {
        long apply(OrderedLongMap map, long a, long b);
    }

    private static final LongQuery GET = (map, key, missing) -> map.get(key, missing);
    private static final LongQuery CONTAINS = (map, key, unused) -> map.containsKey(key) ? 1 : 0;
    private static final LongQuery RANK = (map, key, unused) -> map.rank(key);
    private static final LongQuery SELECT = (map, index, unused) -> map.select(index);
    private static final LongQuery SIZE = (map, unused, unused2) -> map.size();

    /** {@link #read} for one long result, without allocating. */
    private long readLong(LongQuery query, long a, long b) {
        for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
            long version = heap.readVolatileLong(versionWord);
            if ((version & 1) != 0 && attempt == 0 && writtenByThisThread()) {
                return query.apply(reader, a, b);
            }
            if ((version & 1) == 0) {
                long result;
                try {
                    result = query.apply(reader, a, b);
                } catch (RuntimeException e) {
                    if (validate(version)) {
                        throw e;
                    }
                    continue;
                }
                if (validate(version)) {
                    return result;
                }
            }
            Thread.yield();
        }
        return readLocked(map -> query.apply(map, a, b));
    }

    /** @return true if the version is still {@code version}: no writer started since it was read */
    private boolean validate(long version) {
        VarHandle.acquireFence(); // the reads of the query happen before the version is read again
        return heap.readVolatileLong(versionWord) == version;
    }

    /**
     * Reads under the lock: waits for a live writer, takes over from (and rolls back) a dead one. Takes no
     * transaction slot (a read writes nothing to undo), so any number of readers may fall back at once.
     */
    private <R> R readLocked(Function<OrderedLongMap, R> query) {
        HeapLock lock = heap.lockAt(lockWord);
        if (lock.isHeldByCurrentThread()) {
            return query.apply(reader); // this thread is the writer, inside writable(tx): its view is whole
        }
        if (lock.lock()) {
            transactions.recoverDead(); // taken over from a dead writer: roll its transaction back first
        }
        try {
            long stable = stableVersionUnderLock();
            if (heap.readVolatileLong(versionWord) != stable) {
                heap.writeOrderedLong(versionWord, stable);
            }
            return query.apply(reader);
        } finally {
            lock.unlock();
        }
    }

    /**
     * @return true if the version is odd because this very thread is writing (inside {@link #writable}):
     *     its reads need not wait for itself
     */
    private boolean writtenByThisThread() {
        return heap.readVolatileLong(lockWord) == heap.ownerToken() && heap.lockAt(lockWord).isHeldByCurrentThread();
    }

    /**
     * With the lock held, every writer before us has finished or been rolled back; an odd count is one a
     * dead writer left. @return the even count to continue from (one past a dead writer's odd count)
     */
    private long stableVersionUnderLock() {
        long version = heap.readVolatileLong(versionWord);
        if (version < 0) {
            throw new HeapException("map modification count out of range: header=" + reader.headerOffset()
                    + " modCount=" + version);
        }
        return (version & 1) == 0 ? version : version + 1;
    }

    /** Never throws. */
    @Override
    public String toString() {
        return "SharedLongMap{" + reader + "}";
    }
}
