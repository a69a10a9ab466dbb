package dev.mappedheap.allocator;

import dev.mappedheap.allocator.lock.RobustLock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock on one 8-byte word of a heap block, shared by every thread and process that uses the heap, that
 * survives the death of its holder: the same protocol as the heap's own lock (see {@link MappedHeap}), for
 * data structures in the heap. The word must be 0 when the lock is first used.
 *
 * <p>Threads of one {@link MappedHeap} instance take turns on a lock of this JVM first, so the word only
 * arbitrates between instances and processes. The lock is reentrant for the thread that holds it.
 *
 * <pre>{@code
 * HeapLock lock = heap.lockAt(structOffset + LOCK_FIELD);
 * if (lock.lock()) {
 *     // the previous holder died holding it: repair what it may have left half changed
 * }
 * try { ... } finally { lock.unlock(); }
 * }</pre>
 */
public final class HeapLock {
    private final MappedHeap heap;
    private final long token;
    private final RobustLock word;
    private final ReentrantLock local;
    private final long offset;

    HeapLock(MappedHeap heap, long token, RobustLock word, ReentrantLock local, long offset) {
        this.heap = heap;
        this.token = token;
        this.word = word;
        this.local = local;
        this.offset = offset;
    }

    /**
     * Takes the lock, waiting for a live holder and taking over from a dead one.
     *
     * @return true when the lock was taken over from a holder that died holding it, so whatever it guards
     *     may be half changed; false otherwise (also for a reentrant acquire)
     */
    public boolean lock() {
        local.lock();
        if (local.getHoldCount() > 1) {
            return false;
        }
        try {
            heap.checkOpen();
            return word.acquire(token);
        } catch (RuntimeException | Error e) {
            local.unlock();
            throw e;
        }
    }

    /** Releases one hold; the last one frees the word. */
    public void unlock() {
        if (!local.isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException("lock not held by this thread: offset=" + offset);
        }
        try {
            if (local.getHoldCount() == 1) {
                word.release(token);
            }
        } finally {
            local.unlock();
        }
    }

    /** @return true when the calling thread holds the lock */
    public boolean isHeldByCurrentThread() {
        return local.isHeldByCurrentThread();
    }

    /** @return the offset of the lock word */
    public long offset() {
        return offset;
    }

    @Override
    public String toString() {
        return "HeapLock{offset=" + offset + "}";
    }
}
