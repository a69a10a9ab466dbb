package dev.mappedheap.allocator.lock;

import dev.mappedheap.allocator.HeapCorruptedException;
import dev.mappedheap.allocator.internal.HeapMemory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Lock layer: a mutual-exclusion lock on one 8-byte word of the heap file that survives the death of its
 * holder.
 *
 * <p>The word is 0 when free and the holder's {@link Owner#token() token} when held; acquiring is one
 * compare-and-swap, releasing another. A waiter spins briefly, yields, then parks with a back-off that
 * doubles up to {@value #MAX_PARK_MICROS} µs, so a slow holder costs waiters little CPU. After
 * {@value #FIRST_PROBE_MILLIS} ms of waiting, and every {@value #PROBE_INTERVAL_MILLIS} ms after that, it
 * asks the {@link LockFile} whether the holder is still alive; if not, it swaps the dead token for its own
 * and reports a takeover, so the caller can undo the dead holder's half-done work before going on. A holder
 * that is alive, however slow or stopped, is never taken over.
 */
public final class RobustLock {
    static final long FIRST_PROBE_MILLIS = 2;
    static final long PROBE_INTERVAL_MILLIS = 50;
    static final long MAX_PARK_MICROS = 1000;
    private static final int SPINS = 128;
    private static final int YIELDS = 8;
    private static final long MIN_PARK_NANOS = 10_000;

    private final HeapMemory memory;
    private final long wordOffset;
    private final LockFile lockFile;

    /**
     * @param memory the mapping that holds the word
     * @param wordOffset offset of the lock word: 8-aligned, inside the mapping
     * @param lockFile the heap's lock file, which knows who is alive
     */
    public RobustLock(HeapMemory memory, long wordOffset, LockFile lockFile) {
        if ((wordOffset & 7) != 0) {
            throw new IllegalArgumentException("lock word must be 8-aligned: offset=" + wordOffset);
        }
        this.memory = memory;
        this.wordOffset = wordOffset;
        this.lockFile = lockFile;
    }

    /**
     * Takes the lock for {@code token}, waiting for a live holder and taking over from a dead one.
     *
     * @return true when the lock was taken over from a holder that died holding it: whatever it protected
     *     may be half changed, and the caller must repair it before use
     * @throws IllegalStateException if {@code token} already holds it (the lock is not reentrant)
     */
    public boolean acquire(long token) {
        if (memory.compareAndSwapLong(wordOffset, 0, token)) {
            return false;
        }
        return acquireContended(token);
    }

    /**
     * Waits without being disturbed by an interrupt: a set flag would make {@code parkNanos} return at once,
     * a hot spin. The flag is cleared while waiting and set again on return.
     */
    private boolean acquireContended(long token) {
        boolean interrupted = Thread.interrupted();
        long start = System.nanoTime();
        long nextProbe = start + TimeUnit.MILLISECONDS.toNanos(FIRST_PROBE_MILLIS);
        long park = MIN_PARK_NANOS;
        try {
            for (int attempt = 0;; attempt++) {
                long holder = memory.readVolatileLong(wordOffset);
                if (holder == 0) {
                    if (memory.compareAndSwapLong(wordOffset, 0, token)) {
                        return false;
                    }
                    continue;
                }
                if (holder == token) {
                    throw new IllegalStateException("lock already held by this owner: word=" + wordOffset);
                }
                long now = System.nanoTime();
                if (now - nextProbe >= 0) {
                    if (!lockFile.isAlive(holder)) {
                        if (memory.compareAndSwapLong(wordOffset, holder, token)) {
                            return true;
                        }
                        continue; // someone else took it over first, or it was released: look again
                    }
                    nextProbe = now + TimeUnit.MILLISECONDS.toNanos(PROBE_INTERVAL_MILLIS);
                }
                if (attempt < SPINS) {
                    Thread.onSpinWait();
                } else if (attempt < SPINS + YIELDS) {
                    Thread.yield();
                } else {
                    LockSupport.parkNanos(park);
                    interrupted |= Thread.interrupted();
                    park = Math.min(park * 2, TimeUnit.MICROSECONDS.toNanos(MAX_PARK_MICROS));
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Frees the lock.
     *
     * @throws HeapCorruptedException if the word no longer holds {@code token}: someone overwrote a held
     *     lock, which only a damaged file or a bug does
     */
    public void release(long token) {
        if (!memory.compareAndSwapLong(wordOffset, token, 0)) {
            throw new HeapCorruptedException("lock word changed while held: offset=" + wordOffset + " expected=0x"
                    + Long.toHexString(token) + " found=0x" + Long.toHexString(memory.readVolatileLong(wordOffset)));
        }
    }

    /** @return the token of the current holder, 0 when free (a snapshot, for diagnostics) */
    public long holder() {
        return memory.readVolatileLong(wordOffset);
    }
}
