// Structs layer, log: the public face of the multi-producer, multi-listener log that lives in a MappedHeap.
package dev.mappedheap.structs.log;

import static dev.mappedheap.structs.log.LogLayout.*;

import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.HeapLock;
import dev.mappedheap.allocator.InvalidOffsetException;
import dev.mappedheap.allocator.MappedHeap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A log of variable-length entries in a {@link MappedHeap}, shared by every process that opens the heap:
 * producers {@link #append} entries, named listeners ({@link #register}) each read them in order at their own
 * cursor and {@link LogListener#ack acknowledge} them, and the space of an entry is recycled once every
 * registered listener has acknowledged it.
 *
 * <pre>{@code
 * HeapLog log = HeapLog.create(heap);                       // store log.offset() in a root
 * try (LogListener mail = log.register("mail")) {
 *     log.append("hello".getBytes(UTF_8));
 *     byte[] buffer = new byte[4096];
 *     if (mail.await(1, TimeUnit.SECONDS)) {
 *         int length = mail.read(buffer);                    // "hello"
 *         mail.ack();                                        // after processing: at-least-once
 *     }
 * }
 * }</pre>
 *
 * <p><b>Shape.</b> Entries sit one after another in a chain of segments (heap blocks of {@code segmentSize}
 * bytes), each behind an 8-byte header word that is written last, with one ordered store: a listener that
 * sees it sees the whole entry. Listeners never take a lock: they poll the header word at their cursor. A
 * listener's acknowledged position is one word in the log's listener table. The oldest segment is freed when
 * every registered listener has acknowledged past it (with none registered, when appends have left it).
 *
 * <p><b>Producers</b> append under the log's robust lock (a word in the header, not the heap lock): one
 * compare-and-swap to take it and one to release it, no Java allocation, the heap lock only when a segment
 * fills. Several producers in several processes take turns on it.
 *
 * <p><b>Crashes.</b> Every change is either one store or a sequence that whoever takes the lock next can
 * finish or undo. An append that a producer did not finish was never published (its header word is 0): the
 * next producer writes over it, so listeners never wait for a dead producer and nothing leaks. A new segment
 * is linked by {@link MappedHeap#allocateInto}; an old one is unlinked through the {@code retiring} word
 * (written, then {@code firstSegment} moves on, then {@link MappedHeap#freeFrom} frees it and clears the word
 * in one step), so a crash never leaks a segment. A listener that dies resumes, when opened again by name,
 * from its last acknowledgement: delivery is at-least-once, exactly-once for a listener that does not die.
 *
 * <p><b>Threads.</b> A {@code HeapLog} may be shared between threads for {@link #append}, {@link #register}
 * and friends; a {@link LogListener} belongs to one thread at a time.
 */
public final class HeapLog {
    /** Segment size of {@link #create(MappedHeap)}. */
    public static final int DEFAULT_SEGMENT_SIZE = 1 << 20;
    /** Listener slots of {@link #create(MappedHeap)}. */
    public static final int DEFAULT_LISTENERS = 16;

    private final MappedHeap heap;
    private final long header;
    private final int segmentSize;
    private final int shift;
    private final long mask;
    private final int listenerCapacity;
    private final int maxEntryLength;
    private final HeapLock lock;
    private final long token;
    /** Listeners opened through this instance, by name: unregistering one closes it. Guarded by this. */
    private final Map<String, LogListener> open = new HashMap<>();
    /** The tail segment last validated by an append, so an unchanged one is not validated again. */
    private long validatedTail;

    private HeapLog(MappedHeap heap, long header, int segmentSize, int listenerCapacity) {
        this.heap = heap;
        this.header = header;
        this.segmentSize = segmentSize;
        this.shift = Integer.numberOfTrailingZeros(segmentSize);
        this.mask = segmentSize - 1L;
        this.listenerCapacity = listenerCapacity;
        this.maxEntryLength = LogLayout.maxEntryLength(segmentSize);
        this.lock = heap.lockAt(header + LOCK_OFFSET);
        this.token = heap.ownerToken();
    }

    /** Creates a log with {@value #DEFAULT_SEGMENT_SIZE}-byte segments and {@value #DEFAULT_LISTENERS} listener slots. */
    public static HeapLog create(MappedHeap heap) {
        return create(heap, DEFAULT_SEGMENT_SIZE, DEFAULT_LISTENERS);
    }

    /**
     * Creates an empty log. The header is an ordinary block: store {@link #offset()} somewhere (a named root)
     * to find the log again; a crash before that leaks the header and one segment, as with any block.
     *
     * @param segmentSize bytes of each segment: a power of two, 4 KiB .. 1 GiB; an entry holds at most
     *     {@code segmentSize - 80} bytes
     * @param listenerCapacity listener slots, 1..1024
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public static HeapLog create(MappedHeap heap, int segmentSize, int listenerCapacity) {
        checkParameters(segmentSize, listenerCapacity);
        long bytes = headerBytes(listenerCapacity);
        long header = heap.allocate(bytes);
        for (long at = 8; at < bytes; at += 8) {
            heap.writeLong(header + at, 0);
        }
        long versionAndLength = FORMAT_VERSION | (bytes << 32);
        long parameters = segmentSize | ((long) listenerCapacity << 32);
        heap.writeLong(header + FORMAT_VERSION_OFFSET, versionAndLength);
        heap.writeLong(header + SEGMENT_SIZE_OFFSET, parameters);
        heap.writeLong(header + CHECKSUM_OFFSET, checksum(MAGIC, versionAndLength, parameters));
        HeapLog log = new HeapLog(heap, header, segmentSize, listenerCapacity);
        long first = heap.allocateInto(header, FIRST_SEGMENT_OFFSET, segmentSize);
        log.setUpSegment(first, 0);
        heap.writeLong(header + TAIL_SEGMENT_OFFSET, first);
        heap.writeLong(header + TAIL_POSITION_OFFSET, SEGMENT_HEADER_LENGTH);
        heap.writeOrderedLong(header, MAGIC); // last: a half-made log does not open
        return log;
    }

    /**
     * Opens the log whose header is at {@code header}.
     *
     * @throws LogFormatException if the block is not a log of this format version
     * @throws LogCorruptedException if it is one whose header contradicts itself
     */
    public static HeapLog open(MappedHeap heap, long header) {
        long usable;
        try {
            usable = heap.usableSize(header);
        } catch (InvalidOffsetException e) {
            throw new LogFormatException("no log header here: headerOffset=" + header + " is not a live heap block ("
                    + e.getMessage() + ")", e);
        }
        long magic = usable < 8 ? 0 : heap.readLong(header);
        if (magic != MAGIC) {
            throw new LogFormatException("not a log: headerOffset=" + header + " expectedMagic=0x"
                    + Long.toHexString(MAGIC) + " foundMagic=0x" + Long.toHexString(magic) + " blockSize=" + usable);
        }
        if (usable < HEADER_LENGTH) {
            throw new LogFormatException("block too small for a log header: headerOffset=" + header
                    + " expectedSize>=" + HEADER_LENGTH + " foundSize=" + usable);
        }
        int version = heap.readInt(header + FORMAT_VERSION_OFFSET);
        if (version != FORMAT_VERSION) {
            throw new LogFormatException("unsupported log format version: headerOffset=" + header
                    + " expectedVersion=" + FORMAT_VERSION + " foundVersion=" + version);
        }
        long versionAndLength = heap.readLong(header + FORMAT_VERSION_OFFSET);
        long parameters = heap.readLong(header + SEGMENT_SIZE_OFFSET);
        long stored = heap.readLong(header + CHECKSUM_OFFSET);
        long computed = checksum(magic, versionAndLength, parameters);
        if (stored != computed) {
            throw new LogCorruptedException("log header checksum mismatch: headerOffset=" + header + " stored=0x"
                    + Long.toHexString(stored) + " computed=0x" + Long.toHexString(computed));
        }
        int segmentSize = (int) parameters;
        int listenerCapacity = (int) (parameters >>> 32);
        try {
            checkParameters(segmentSize, listenerCapacity);
        } catch (IllegalArgumentException e) {
            throw new LogCorruptedException("log header parameters invalid: headerOffset=" + header + ": "
                    + e.getMessage());
        }
        long length = versionAndLength >>> 32;
        if (length != headerBytes(listenerCapacity) || usable < length) {
            throw new LogFormatException("log header length mismatch: headerOffset=" + header + " expectedLength="
                    + headerBytes(listenerCapacity) + " foundLength=" + length + " blockSize=" + usable);
        }
        HeapLog log = new HeapLog(heap, header, segmentSize, listenerCapacity);
        long first = heap.readVolatileLong(header + FIRST_SEGMENT_OFFSET);
        log.validateSegment(first, log.readIndex(first), "firstSegment");
        return log;
    }

    // ---------------------------------------------------------------- producing

    /** Appends all of {@code entry}. @see #append(byte[], int, int) */
    public long append(byte[] entry) {
        return append(entry, 0, entry.length);
    }

    /**
     * Appends {@code length} bytes of {@code src} from {@code from} as one entry, visible to every listener at
     * once and in full. Allocates no Java object; takes the heap lock only when the entry starts a new segment.
     *
     * @return the entry's log position (increasing, not contiguous)
     * @throws IllegalArgumentException if the entry is longer than {@link #maxEntryLength()}
     * @throws IndexOutOfBoundsException if {@code from}/{@code length} do not fit {@code src}
     * @throws dev.mappedheap.allocator.HeapFullException if a new segment is needed and the heap cannot grow
     */
    public long append(byte[] src, int from, int length) {
        Objects.checkFromIndexSize(from, length, src.length);
        if (length > maxEntryLength) {
            throw new IllegalArgumentException("entry longer than a segment holds: length=" + length
                    + " maxEntryLength=" + maxEntryLength + " segmentSize=" + segmentSize);
        }
        lock();
        try {
            long position = settleTail();
            long segment = heap.readLong(header + TAIL_SEGMENT_OFFSET);
            long at = position & mask;
            long stride = stride(length);
            if (at + stride + ENTRY_HEADER_LENGTH > segmentSize) {
                segment = startNextSegment(segment, position);
                position = heap.readLong(header + TAIL_POSITION_OFFSET);
                at = SEGMENT_HEADER_LENGTH;
            }
            long entry = segment + at;
            heap.write(entry + ENTRY_HEADER_LENGTH, src, from, length);
            heap.writeLong(entry + stride, 0); // the next header word: listeners stop there
            heap.writeOrderedLong(entry, entryWord(length)); // publishes the entry
            heap.writeLong(header + TAIL_POSITION_OFFSET, position + stride);
            return position;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes the stored tail agree with the entries: an append that published its entry but died before moving
     * the tail, or a segment switch cut short, is finished here. Lock held.
     *
     * @return the tail position, whose header word is 0 and whose segment is {@code tailSegment}
     */
    private long settleTail() {
        long position = heap.readLong(header + TAIL_POSITION_OFFSET);
        long segment = heap.readLong(header + TAIL_SEGMENT_OFFSET);
        long index = position >>> shift;
        if (segment != validatedTail || readIndex(segment) != index) {
            checkPosition(position, "tailPosition");
            if (!isSegmentOf(segment, index)) {
                segment = findSegment(index); // a switch died between moving tailSegment and tailPosition
                heap.writeOrderedLong(header + TAIL_SEGMENT_OFFSET, segment);
            }
            validatedTail = segment;
        }
        for (long moves = 0;; moves++) {
            long word = heap.readVolatileLong(segment + (position & mask));
            if (word == 0) {
                return position;
            }
            if (moves > segmentSize) {
                throw new LogCorruptedException("log tail never settles: headerOffset=" + header + " position="
                        + position);
            }
            if (word == END_WORD) {
                segment = nextSegment(segment, position >>> shift);
                position = (((position >>> shift) + 1) << shift) + SEGMENT_HEADER_LENGTH;
                heap.writeLong(header + TAIL_POSITION_OFFSET, position);
                heap.writeOrderedLong(header + TAIL_SEGMENT_OFFSET, segment);
            } else {
                position += stride(entryLength(word, position));
                heap.writeLong(header + TAIL_POSITION_OFFSET, position);
            }
        }
    }

    /**
     * Moves appends to the next segment: links one (or reuses the one a dead producer linked but never used),
     * sets it up, then closes the full one with an END word and moves the tail. Lock held.
     *
     * @return the new tail segment
     */
    private long startNextSegment(long segment, long position) {
        long index = position >>> shift;
        long next = heap.readVolatileLong(segment + SEGMENT_NEXT);
        if (next == 0) {
            next = heap.allocateInto(segment, SEGMENT_NEXT, segmentSize);
        } else if (heap.usableSize(next) < segmentSize) { // linked by a producer that died before using it
            throw new LogCorruptedException("next segment too small: headerOffset=" + header + " segment=" + next
                    + " size=" + heap.usableSize(next) + " segmentSize=" + segmentSize);
        }
        setUpSegment(next, index + 1);
        heap.writeOrderedLong(segment + (position & mask), END_WORD);
        heap.writeLong(header + TAIL_POSITION_OFFSET, ((index + 1) << shift) + SEGMENT_HEADER_LENGTH);
        heap.writeOrderedLong(header + TAIL_SEGMENT_OFFSET, next);
        validatedTail = next;
        reclaimLocked();
        return next;
    }

    /** Writes a segment's header and an empty first entry word; the magic goes last. */
    private void setUpSegment(long segment, long index) {
        heap.writeLong(segment + SEGMENT_INDEX, index);
        heap.writeLong(segment + SEGMENT_NEXT, 0);
        heap.writeLong(segment + SEGMENT_LOG, header);
        heap.writeLong(segment + SEGMENT_HEADER_LENGTH, 0);
        heap.writeOrderedLong(segment, SEGMENT_MAGIC);
    }

    // ---------------------------------------------------------------- listeners

    /**
     * Registers a listener that will receive every entry appended from now on, and opens it for this heap
     * instance.
     *
     * @param name 1..40 bytes of UTF-8, unique in this log
     * @throws IllegalArgumentException if the name is empty, too long, or already registered
     * @throws HeapException if every listener slot is in use
     */
    public LogListener register(String name) {
        byte[] key = encode(name);
        lock();
        try {
            if (find(key) >= 0) {
                throw new IllegalArgumentException("listener already registered: name=" + name + " log=" + header);
            }
            long position = settleTail();
            for (int i = 0; i < listenerCapacity; i++) {
                long slot = slot(header, i);
                if (heap.readVolatileLong(slot + SLOT_STATE) == 0) {
                    heap.writeLong(slot + SLOT_ACK, position);
                    heap.writeLong(slot + SLOT_READER, token);
                    heap.write(slot + SLOT_NAME, key, 0, key.length);
                    heap.writeOrderedLong(slot + SLOT_STATE, (SLOT_TAG << 32) | key.length); // publishes the slot
                    return track(name, slot, position);
                }
            }
            throw new HeapException("listener table full: listenerCapacity=" + listenerCapacity + " name=" + name
                    + " log=" + header);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Opens a registered listener for reading, from its last acknowledgement (the entries after it that a
     * previous reader read but did not acknowledge are delivered again). A reader that died is taken over.
     *
     * @throws IllegalArgumentException if no listener has that name
     * @throws ListenerBusyException if a live heap instance reads it (this one included, through another
     *     open {@link LogListener})
     */
    public LogListener listener(String name) {
        byte[] key = encode(name);
        lock();
        try {
            int index = find(key);
            if (index < 0) {
                throw new IllegalArgumentException("no such listener: name=" + name + " log=" + header);
            }
            long slot = slot(header, index);
            long reader = heap.readVolatileLong(slot + SLOT_READER);
            if (reader == token || (reader != 0 && heap.isOwnerAlive(reader))) {
                throw new ListenerBusyException("listener is being read by a live heap instance: name=" + name
                        + " readerToken=0x" + Long.toHexString(reader) + " ours=" + (reader == token) + " log="
                        + header);
            }
            long ack = heap.readVolatileLong(slot + SLOT_ACK);
            checkPosition(ack, "ackPosition of " + name);
            heap.writeOrderedLong(slot + SLOT_READER, token);
            return track(name, slot, ack);
        } finally {
            lock.unlock();
        }
    }

    private LogListener track(String name, long slot, long position) {
        long index = position >>> shift;
        LogListener listener = new LogListener(this, name, slot, findSegment(index), position);
        synchronized (this) {
            open.put(name, listener);
        }
        return listener;
    }

    /**
     * Unregisters a listener: its unacknowledged entries no longer hold space. An open {@link LogListener}
     * of this instance for it is closed.
     *
     * @return false if no listener had that name
     * @throws ListenerBusyException if another live heap instance reads it
     */
    public boolean unregister(String name) {
        byte[] key = encode(name);
        lock();
        try {
            int index = find(key);
            if (index < 0) {
                return false;
            }
            long slot = slot(header, index);
            long reader = heap.readVolatileLong(slot + SLOT_READER);
            if (reader != 0 && reader != token && heap.isOwnerAlive(reader)) {
                throw new ListenerBusyException("cannot unregister a listener a live heap instance reads: name="
                        + name + " readerToken=0x" + Long.toHexString(reader) + " log=" + header);
            }
            LogListener listener;
            synchronized (this) {
                listener = open.remove(name);
            }
            if (listener != null) {
                listener.markClosed();
            }
            heap.writeOrderedLong(slot + SLOT_STATE, 0); // one store: the slot is free
            heap.writeOrderedLong(slot + SLOT_READER, 0);
            reclaimLocked();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** @return the names of the registered listeners, in slot order */
    public List<String> listeners() {
        lock();
        try {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < listenerCapacity; i++) {
                byte[] name = nameAt(i);
                if (name != null) {
                    names.add(new String(name, StandardCharsets.UTF_8));
                }
            }
            return names;
        } finally {
            lock.unlock();
        }
    }

    /** Called by a listener's close: gives up reading the slot, if this instance still reads it. */
    void release(LogListener listener) {
        lock();
        try {
            heap.compareAndSwapLong(listener.slot() + SLOT_READER, token, 0);
            synchronized (this) {
                open.remove(listener.name(), listener);
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- reclaiming

    /** Frees every segment that all registered listeners have acknowledged past. Takes the log's lock. */
    void reclaim() {
        lock();
        try {
            reclaimLocked();
        } finally {
            lock.unlock();
        }
    }

    private void reclaimLocked() {
        long min = heap.readLong(header + TAIL_POSITION_OFFSET);
        for (int i = 0; i < listenerCapacity; i++) {
            long slot = slot(header, i);
            if (heap.readVolatileLong(slot + SLOT_STATE) != 0) {
                min = Math.min(min, heap.readVolatileLong(slot + SLOT_ACK));
            }
        }
        long tail = heap.readLong(header + TAIL_SEGMENT_OFFSET);
        // each step validates that the next segment's index is one more, so the walk ends at the tail
        while (true) {
            long first = heap.readVolatileLong(header + FIRST_SEGMENT_OFFSET);
            long index = readIndex(first);
            if (first == tail || ((index + 1) << shift) > min) {
                return;
            }
            validateSegment(first, index, "firstSegment");
            long next = nextSegment(first, index);
            heap.writeOrderedLong(header + RETIRING_OFFSET, first);
            heap.writeOrderedLong(header + FIRST_SEGMENT_OFFSET, next);
            heap.freeFrom(header, RETIRING_OFFSET);
        }
    }

    /** Finishes or undoes a reclaim that a dead lock holder left half done. Lock held. */
    private void repairRetiring() {
        long retiring = heap.readVolatileLong(header + RETIRING_OFFSET);
        if (retiring == 0) {
            return;
        }
        if (retiring == heap.readVolatileLong(header + FIRST_SEGMENT_OFFSET)) {
            heap.writeOrderedLong(header + RETIRING_OFFSET, 0); // died before firstSegment moved: keep it
        } else {
            heap.freeFrom(header, RETIRING_OFFSET); // died after: finish the free
        }
    }

    // ---------------------------------------------------------------- checking

    /**
     * Walks the header, every segment and entry, and the listener table, under the log's lock (appends wait;
     * listeners go on reading), and reports what is inconsistent. Bounded by the heap's size; safe on a
     * corrupt log.
     */
    public LogCheckReport check() {
        lock();
        try {
            return new LogChecker(this).check();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- facts

    /** @return the header block's offset, by which {@link #open} finds the log */
    public long offset() {
        return header;
    }

    /** @return bytes of each segment */
    public int segmentSize() {
        return segmentSize;
    }

    /** @return the longest entry {@link #append} takes */
    public int maxEntryLength() {
        return maxEntryLength;
    }

    /** @return how many listeners can be registered at once */
    public int listenerCapacity() {
        return listenerCapacity;
    }

    /** @return the heap the log lives in */
    public MappedHeap heap() {
        return heap;
    }

    /** @return the log position the next entry will get (a snapshot) */
    public long tailPosition() {
        return heap.readVolatileLong(header + TAIL_POSITION_OFFSET);
    }

    @Override
    public String toString() {
        return "HeapLog{offset=" + header + " segmentSize=" + segmentSize + "}";
    }

    // ---------------------------------------------------------------- for the listener and the checker

    int shift() {
        return shift;
    }

    long mask() {
        return mask;
    }

    long token() {
        return token;
    }

    long header() {
        return header;
    }

    /** @return how many segments the heap could hold: a chain longer than this is a loop */
    long maxSegments() {
        return heap.stats().capacity() / segmentSize + 2;
    }

    /**
     * Takes the log's lock; after taking it over from a dead holder, repairs what that holder left: a reclaim
     * cut short, and a tail that lags behind an entry it published or a segment it closed.
     */
    private void lock() {
        if (lock.lock()) {
            try {
                repairRetiring();
                settleTail();
            } catch (RuntimeException | Error e) {
                lock.unlock();
                throw e;
            }
        }
    }

    /** @return the index word of a segment, after checking it is a plausible block offset */
    long readIndex(long segment) {
        if (segment <= 0 || (segment & 15) != 0) {
            throw new LogCorruptedException("segment offset is not a heap block: headerOffset=" + header
                    + " segment=" + segment);
        }
        return heap.readLong(segment + SEGMENT_INDEX);
    }

    private boolean isSegmentOf(long segment, long index) {
        try {
            validateSegment(segment, index, "tailSegment");
            return true;
        } catch (LogCorruptedException | InvalidOffsetException e) {
            return false;
        }
    }

    /**
     * Checks that {@code segment} is a live block of this log's segment size, set up as segment {@code index}
     * of this log.
     *
     * @throws LogCorruptedException naming {@code what} if not
     */
    void validateSegment(long segment, long index, String what) {
        long usable;
        try {
            usable = heap.usableSize(segment);
        } catch (InvalidOffsetException e) {
            throw new LogCorruptedException("log " + what + " is not a live block: headerOffset=" + header
                    + " segment=" + segment + " (" + e.getMessage() + ")");
        }
        long magic = heap.readVolatileLong(segment);
        long foundIndex = heap.readLong(segment + SEGMENT_INDEX);
        long log = heap.readLong(segment + SEGMENT_LOG);
        if (usable < segmentSize || magic != SEGMENT_MAGIC || foundIndex != index || log != header) {
            throw new LogCorruptedException("log " + what + " is not segment " + index + " of this log: headerOffset="
                    + header + " segment=" + segment + " size=" + usable + " segmentSize=" + segmentSize + " magic=0x"
                    + Long.toHexString(magic) + " index=" + foundIndex + " log=" + log);
        }
    }

    /** @return the segment after {@code segment} (which has index {@code index}), validated */
    long nextSegment(long segment, long index) {
        long next = heap.readVolatileLong(segment + SEGMENT_NEXT);
        validateSegment(next, index + 1, "next segment of " + segment);
        return next;
    }

    /** @return the segment with {@code index}, walking the chain from the first (bounded) */
    long findSegment(long index) {
        long segment = heap.readVolatileLong(header + FIRST_SEGMENT_OFFSET);
        long first = readIndex(segment);
        validateSegment(segment, first, "firstSegment");
        if (index < first) {
            throw new LogCorruptedException("no segment for index: headerOffset=" + header + " index=" + index
                    + " firstIndex=" + first);
        }
        for (long i = first; i < index; i++) { // bounded by the chain: each step checks the next index
            segment = nextSegment(segment, i);
        }
        return segment;
    }

    /** @throws LogCorruptedException if {@code position} cannot be an entry position */
    void checkPosition(long position, String what) {
        long at = position & mask;
        if (position < 0 || (position & 7) != 0 || at < SEGMENT_HEADER_LENGTH || at > segmentSize - ENTRY_HEADER_LENGTH) {
            throw new LogCorruptedException("log " + what + " out of range: headerOffset=" + header + " position="
                    + position + " segmentSize=" + segmentSize);
        }
    }

    /**
     * @param word a nonzero header word that is not END
     * @return the payload length it publishes, checked to fit the segment with room for the next header word
     * @throws LogCorruptedException if the tag is unknown or the length does not fit
     */
    int entryLength(long word, long position) {
        long at = position & mask;
        int length = (int) word;
        if ((word >>> 32) != ENTRY_TAG || length < 0 || at + stride(length) + ENTRY_HEADER_LENGTH > segmentSize) {
            throw new LogCorruptedException("bad log entry header: headerOffset=" + header + " position=" + position
                    + " word=0x" + Long.toHexString(word) + " segmentSize=" + segmentSize);
        }
        return length;
    }

    /** @return the slot index registered under {@code key}, or -1. Lock held. */
    private int find(byte[] key) {
        for (int i = 0; i < listenerCapacity; i++) {
            if (Arrays.equals(nameAt(i), key)) {
                return i;
            }
        }
        return -1;
    }

    /** @return the name in slot {@code index}, or null for a free slot */
    byte[] nameAt(int index) {
        long slot = slot(header, index);
        long state = heap.readVolatileLong(slot + SLOT_STATE);
        if (state == 0) {
            return null;
        }
        int length = (int) state;
        if ((state >>> 32) != SLOT_TAG || length < 1 || length > MAX_NAME_BYTES) {
            throw new LogCorruptedException("bad listener slot: headerOffset=" + header + " slot=" + index
                    + " state=0x" + Long.toHexString(state));
        }
        byte[] name = new byte[length];
        heap.read(slot + SLOT_NAME, name, 0, length);
        return name;
    }

    private static byte[] encode(String name) {
        byte[] bytes = Objects.requireNonNull(name, "name").getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 1 || bytes.length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("listener name must be 1.." + MAX_NAME_BYTES + " bytes of UTF-8: name="
                    + name + " bytes=" + bytes.length);
        }
        return bytes;
    }
}
