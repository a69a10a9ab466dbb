// Structs layer, log: one named listener's cursor, reading entries without locks and acknowledging them.
package dev.mappedheap.structs.log;

import static dev.mappedheap.structs.log.LogLayout.*;

import dev.mappedheap.allocator.MappedHeap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A registered listener of a {@link HeapLog}, opened for reading by this heap instance: it reads entries in
 * log order from its cursor and {@link #ack acknowledges} them. Opened by {@link HeapLog#register} or
 * {@link HeapLog#listener}; the cursor starts at the last acknowledgement.
 *
 * <p>Reading takes no lock and allocates nothing: it polls the header word at the cursor, which a producer
 * writes last. {@link #ack()} is one ordered store, plus, when the cursor has left a segment, a pass under the
 * log's lock that frees the segments every listener has left. {@link #await} blocks without burning a core.
 *
 * <p>Not thread-safe: one thread reads a listener at a time. Safe across processes: the log records which
 * heap instance reads each listener, and no other live one can open it meanwhile.
 */
public final class LogListener implements AutoCloseable {
    /** How long {@link #await} spins before it yields: a reply a few microseconds away never waits for a park. */
    private static final long SPIN_NANOS = 20_000;
    private static final int YIELDS = 16;
    private static final long MIN_PARK_NANOS = 20_000;
    private static final long MAX_PARK_NANOS = 1_000_000;

    private final HeapLog log;
    private final MappedHeap heap;
    private final String name;
    private final long slot;
    private final long token;
    private final int shift;
    private final long mask;
    /** The segment the cursor is in, its index, and the cursor's offset in it. */
    private long segment;
    private long index;
    private long at;
    /** The segment index of the last acknowledgement: when an ack passes it, old segments may be freed. */
    private long ackedIndex;
    private volatile boolean closed;

    LogListener(HeapLog log, String name, long slot, long segment, long position) {
        this.log = log;
        this.heap = log.heap();
        this.name = name;
        this.slot = slot;
        this.token = log.token();
        this.shift = log.shift();
        this.mask = log.mask();
        this.segment = segment;
        this.index = position >>> shift;
        this.at = position & mask;
        this.ackedIndex = index;
    }

    /**
     * Copies the next entry into {@code dst} and moves past it.
     *
     * @return the entry's length, or -1 when there is none yet
     * @throws IllegalArgumentException if the entry is longer than {@code dst} (it is not consumed; see
     *     {@link #peekLength()})
     * @throws LogCorruptedException if the log contradicts its format here
     */
    public int read(byte[] dst) {
        long word = nextWord();
        if (word == 0) {
            return -1;
        }
        int length = log.entryLength(word, position());
        if (length > dst.length) {
            throw new IllegalArgumentException("entry longer than the buffer: length=" + length + " buffer="
                    + dst.length + " listener=" + name + " position=" + position());
        }
        heap.read(segment + at + ENTRY_HEADER_LENGTH, dst, 0, length);
        at += stride(length);
        return length;
    }

    /**
     * Hands the next entry to {@code handler} in place and moves past it.
     *
     * @return true if there was an entry
     */
    public boolean poll(EntryHandler handler) {
        long word = nextWord();
        if (word == 0) {
            return false;
        }
        int length = log.entryLength(word, position());
        handler.onEntry(heap, segment + at + ENTRY_HEADER_LENGTH, length);
        at += stride(length);
        return true;
    }

    /** @return the length of the next entry, or -1 when there is none yet; does not move */
    public int peekLength() {
        long word = nextWord();
        return word == 0 ? -1 : log.entryLength(word, position());
    }

    /** @return true when an entry is ready to read */
    public boolean available() {
        return nextWord() != 0;
    }

    /**
     * Waits until an entry is ready or the time is up: spins for up to 20 µs, then yields, then parks with a
     * back-off from 20 µs to 1 ms between polls of the header word (there is no futex across processes), so an
     * idle listener costs almost no CPU and one that is busy answers within a few hundred nanoseconds.
     *
     * @return true when an entry is ready, false at the timeout
     */
    public boolean await(long timeout, TimeUnit unit) {
        if (available()) {
            return true;
        }
        long start = System.nanoTime();
        long timeoutNanos = unit.toNanos(timeout);
        long park = MIN_PARK_NANOS;
        int yields = 0;
        for (int round = 1;; round++) {
            if (available()) {
                return true;
            }
            if ((round & 31) != 0) { // System.nanoTime costs more than a poll: look at the clock now and then
                Thread.onSpinWait();
                continue;
            }
            long waited = System.nanoTime() - start;
            if (waited >= timeoutNanos) {
                return false;
            }
            if (waited < SPIN_NANOS) {
                Thread.onSpinWait();
            } else if (yields < YIELDS) {
                yields++;
                Thread.yield();
            } else {
                LockSupport.parkNanos(Math.min(park, timeoutNanos - waited));
                park = Math.min(park * 2, MAX_PARK_NANOS);
            }
        }
    }

    /**
     * Acknowledges every entry read so far: they are not delivered to this listener again, even after a crash,
     * and their space is freed once every listener has acknowledged them.
     *
     * @throws ListenerBusyException if this instance no longer reads the listener (unregistered, or taken
     *     over after this instance was presumed dead)
     */
    public void ack() {
        checkOpen();
        if (heap.readVolatileLong(slot + SLOT_READER) != token) {
            closed = true;
            throw new ListenerBusyException("listener no longer read by this heap instance: name=" + name
                    + " readerToken=0x" + Long.toHexString(heap.readVolatileLong(slot + SLOT_READER)));
        }
        heap.writeOrderedLong(slot + SLOT_ACK, position());
        if (index != ackedIndex) {
            ackedIndex = index;
            log.reclaim();
        }
    }

    /** @return the log position of the next entry to read */
    public long position() {
        return (index << shift) + at;
    }

    /** @return the position acknowledged last (from the log) */
    public long ackedPosition() {
        return heap.readVolatileLong(slot + SLOT_ACK);
    }

    /** @return the listener's name */
    public String name() {
        return name;
    }

    /** @return true once closed or unregistered */
    public boolean isClosed() {
        return closed;
    }

    /** Stops reading: another heap instance may open the listener. Entries read but not acknowledged will be delivered again. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            log.release(this);
        }
    }

    long slot() {
        return slot;
    }

    void markClosed() {
        closed = true;
    }

    /** @return the header word at the cursor, having stepped over END words; 0 when nothing is there yet */
    private long nextWord() {
        checkOpen();
        while (true) {
            long word = heap.readVolatileLong(segment + at);
            if (word != END_WORD) {
                return word;
            }
            segment = log.nextSegment(segment, index);
            index++;
            at = SEGMENT_HEADER_LENGTH;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("listener closed: name=" + name);
        }
    }

    @Override
    public String toString() {
        return "LogListener{name=" + name + " position=" + position() + (closed ? " closed" : "") + "}";
    }
}
