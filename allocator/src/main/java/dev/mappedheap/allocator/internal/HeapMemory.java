package dev.mappedheap.allocator.internal;

import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.InvalidOffsetException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.openhft.chronicle.core.OS;
import net.openhft.chronicle.core.UnsafeMemory;
import net.openhft.posix.MSyncFlag;
import net.openhft.posix.PosixAPI;

/**
 * Internal layer: the mapped file and every raw memory access to it. This is the only class that calls
 * Chronicle's unchecked accessors; every method checks its offset against {@link #limit()} first, so no
 * offset, from the caller or from the file, can touch memory outside the part of the file that exists.
 *
 * <p>The file is mapped through Chronicle ({@link OS#map}) as one window that may be larger than the file:
 * pages past the end of the file are never touched, because {@code limit} only covers bytes the file really
 * holds (reserved with fallocate before the limit moves). When the file outgrows the window a larger window
 * is mapped; the old one stays mapped until {@link #close()}, so a thread still reading through it never
 * faults. The current window and limit are published together in one immutable {@link Region}.
 *
 * <p>Other processes grow the file too. An access past this process's limit does not fail at once: it first
 * looks at the capacity word in the file ({@link #followGrowth}) and, if another process has raised it,
 * extends the limit to it (never past the file's real size), then checks again. So a process whose view
 * is stale catches up on its next access and never touches a byte past its own mapping.
 *
 * <p>Thread safety: accessors may be called from any thread, even while {@link #close} runs: it swaps the
 * file's pages for anonymous ones rather than unmapping (see there), so a racing access fails its checks
 * or reads zeros but never faults.
 */
public final class HeapMemory implements AutoCloseable {
    private static final UnsafeMemory MEMORY = UnsafeMemory.MEMORY;
    private static final long MIN_WINDOW = 256L << 20;
    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();
    /** Linux x86-64 and arm64 values (the posix module's own constants are BSD's for some calls). */
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int PLACEHOLDER_FLAGS = 0x02 | 0x10 | 0x20 | 0x4000; // PRIVATE FIXED ANONYMOUS NORESERVE
    /** Below Chronicle's 1 MiB threshold, so each chunk is a single memmove-safe Unsafe copy. */
    private static final long COPY_CHUNK = 512L << 10;

    /** One mapping and the bytes of it that are backed by the file. */
    private static final class Region {
        final long address;
        final long windowSize;
        final long limit;

        Region(long address, long windowSize, long limit) {
            this.address = address;
            this.windowSize = windowSize;
            this.limit = limit;
        }
    }

    private final FileChannel channel;
    private final long maxWindow;
    private final long userFloor;
    private final long capacityWordOffset;
    private final List<Region> retired = new ArrayList<>();
    private Region region;
    private boolean closed;

    /**
     * Maps {@code channel} with at least {@code limit} accessible bytes.
     *
     * @param channel a read-write channel; owned by this object from now on and closed with it
     * @param limit bytes of the file that exist and may be accessed
     * @param maxSize the heap's largest possible size, which caps how much address space is reserved
     * @param userFloor the lowest offset the {@code user*} accessors may touch: the first block
     * @param capacityWordOffset where the file records the bytes the heap uses, which any process may raise
     */
    public HeapMemory(FileChannel channel, long limit, long maxSize, long userFloor, long capacityWordOffset) {
        this.channel = channel;
        this.userFloor = userFloor;
        this.capacityWordOffset = capacityWordOffset;
        this.maxWindow = pageAlign(Math.max(maxSize, limit));
        this.region = map(windowFor(limit), limit);
    }

    /** @return bytes that may be accessed, from offset 0 */
    public long limit() {
        return region.limit;
    }

    /**
     * Lets the accessors reach {@code newLimit} bytes. The caller must already have made the file that long
     * with its space reserved on disk.
     */
    public synchronized void extendLimit(long newLimit) {
        Region current = region;
        if (closed || newLimit <= current.limit) {
            return;
        }
        if (newLimit <= current.windowSize) {
            region = new Region(current.address, current.windowSize, newLimit);
            return;
        }
        Region bigger = map(windowFor(newLimit), newLimit);
        retired.add(current);
        region = bigger;
    }

    /**
     * Catches up with growth by other processes: extends the limit to the capacity the file records, capped
     * by the file's real size, since a damaged capacity word must never expose pages the file lacks.
     *
     * @return true when the limit moved
     */
    public synchronized boolean followGrowth() {
        Region current = region;
        if (closed) {
            return false;
        }
        long capacity = MEMORY.readVolatileLong(current.address + capacityWordOffset);
        if (capacity <= current.limit) {
            return false;
        }
        long fileSize;
        try {
            fileSize = Descriptors.size(channel);
        } catch (IOException e) {
            return false; // the access that asked will report its offset as out of bounds
        }
        long newLimit = Math.min(Math.min(capacity, fileSize), maxWindow);
        // the grower reserved this space before raising the capacity; a damaged capacity word on a sparse
        // file must not expose holes, which fault on a full disk, so reserve it again (free where it exists)
        if (newLimit <= current.limit || !FileSpace.reserveWithFallocate(channel, current.limit, newLimit)) {
            return false;
        }
        extendLimit(newLimit);
        return true;
    }

    private long windowFor(long limit) {
        long wanted = Math.max(MIN_WINDOW, limit > Long.MAX_VALUE / 2 ? limit : limit * 2);
        return Math.max(pageAlign(limit), Math.min(pageAlign(wanted), maxWindow));
    }

    private static long pageAlign(long size) {
        long page = OS.pageSize();
        return size > Long.MAX_VALUE - page ? Long.MAX_VALUE & -page : (size + page - 1) & -page;
    }

    private Region map(long windowSize, long limit) {
        try {
            long address = OS.map(channel, FileChannel.MapMode.READ_WRITE, 0, windowSize);
            return new Region(address, windowSize, limit);
        } catch (IOException | RuntimeException e) {
            throw new HeapException("cannot map the heap file: windowSize=" + windowSize + " limit=" + limit, e);
        }
    }

    private long address(long offset, long length) {
        return address(0, offset, length);
    }

    /**
     * @return the address of {@code [offset, offset + length)} after checking {@code floor <= offset} and
     *     {@code offset + length <= limit}. One {@link Objects#checkIndex} does both (the subtraction wraps a
     *     negative or huge offset to an index that fails it): the JIT knows that intrinsic as a range check
     *     and can hoist it out of a loop, so checked access in a loop runs as fast as unchecked access.
     */
    private long address(long floor, long offset, long length) {
        Region r = region;
        try {
            Objects.checkIndex(offset - floor, r.limit - floor - length + 1);
        } catch (IndexOutOfBoundsException e) {
            return addressAfterGrowth(floor, offset, length);
        }
        return r.address + offset;
    }

    /** The slow path of {@link #address}: past this process's limit, perhaps because another one grew the file. */
    private long addressAfterGrowth(long floor, long offset, long length) {
        followGrowth();
        Region r;
        synchronized (this) {
            r = region; // read under the monitor: the latest region, whichever thread installed it
        }
        try {
            Objects.checkIndex(offset - floor, r.limit - floor - length + 1);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(floor, offset, length, r.limit);
        }
        return r.address + offset;
    }

    private static InvalidOffsetException outOfBounds(long floor, long offset, long length, long limit) {
        if (offset >= 0 && offset < floor && limit > 0) {
            return new InvalidOffsetException("raw access below the first block (header and journal): offset="
                    + offset + " heapStart=" + floor);
        }
        return new InvalidOffsetException("access outside the heap: offset=" + offset + " length=" + length
                + " capacity=" + limit + (limit == 0 ? " (the heap is closed)" : ""));
    }

    // ---- what MappedHeap's raw accessors use: never below userFloor (the header and journal)

    public long userReadLong(long offset) {
        return MEMORY.readLong(address(userFloor, offset, 8));
    }

    public void userWriteLong(long offset, long value) {
        MEMORY.writeLong(address(userFloor, offset, 8), value);
    }

    public int userReadInt(long offset) {
        return MEMORY.readInt(address(userFloor, offset, 4));
    }

    public void userWriteInt(long offset, int value) {
        MEMORY.writeInt(address(userFloor, offset, 4), value);
    }

    public byte userReadByte(long offset) {
        return MEMORY.readByte(address(userFloor, offset, 1));
    }

    public void userWriteByte(long offset, byte value) {
        MEMORY.writeByte(address(userFloor, offset, 1), value);
    }

    /** An atomic compare-and-swap of an 8-aligned word at or above userFloor. */
    public boolean userCompareAndSwapLong(long offset, long expected, long value) {
        requireAligned(offset);
        return MEMORY.compareAndSwapLong(address(userFloor, offset, 8), expected, value);
    }

    /** A volatile read of an 8-aligned word at or above userFloor. */
    public long userReadVolatileLong(long offset) {
        requireAligned(offset);
        return MEMORY.readVolatileLong(address(userFloor, offset, 8));
    }

    /** A release store to an 8-aligned word at or above userFloor. */
    public void userWriteOrderedLong(long offset, long value) {
        requireAligned(offset);
        MEMORY.writeOrderedLong(address(userFloor, offset, 8), value);
    }

    private static void requireAligned(long offset) {
        if ((offset & 7) != 0) {
            throw new InvalidOffsetException("atomic access needs an 8-aligned offset: offset=" + offset);
        }
    }

    /** Copies {@code len} bytes of {@code src} from index {@code from} to the heap at {@code offset}. */
    public void userWrite(long offset, byte[] src, int from, int len) {
        Objects.checkFromIndexSize(from, len, src.length);
        MEMORY.writeBytes(address(userFloor, offset, len), src, from, len);
    }

    /** Copies {@code len} bytes of the heap at {@code offset} into {@code dst} from index {@code from}. */
    public void userRead(long offset, byte[] dst, int from, int len) {
        Objects.checkFromIndexSize(from, len, dst.length);
        MEMORY.readBytes(address(userFloor, offset, len), dst, from, len);
    }

    /**
     * Copies {@code len} bytes from {@code from} to {@code to}, both at or above userFloor; the ranges may
     * overlap (memmove). Chronicle's copy goes forward in 1 MiB chunks above that size, so an overlapping
     * copy to a higher address is done here in chunks from the end; each chunk is one memmove-safe copy.
     */
    public void userCopy(long from, long to, long len) {
        long src = address(userFloor, from, len);
        long dst = address(userFloor, to, len);
        if (dst > src && dst - src < len) {
            long remaining = len;
            while (remaining > 0) {
                long chunk = Math.min(remaining, COPY_CHUNK);
                remaining -= chunk;
                MEMORY.copyMemory(src + remaining, dst + remaining, chunk);
            }
        } else {
            MEMORY.copyMemory(src, dst, len);
        }
    }

    // ---- the allocator's accessors: anywhere in the file, header and journal included

    public long readLong(long offset) {
        return MEMORY.readLong(address(offset, 8));
    }

    public void writeLong(long offset, long value) {
        MEMORY.writeLong(address(offset, 8), value);
    }

    /** A release store: no earlier store may become visible after it (the journal's ordering rule). */
    public void writeOrderedLong(long offset, long value) {
        MEMORY.writeOrderedLong(address(offset, 8), value);
    }

    /** An atomic compare-and-swap of an 8-aligned word, with full-fence semantics. */
    public boolean compareAndSwapLong(long offset, long expected, long value) {
        return MEMORY.compareAndSwapLong(address(offset, 8), expected, value);
    }

    public long readVolatileLong(long offset) {
        return MEMORY.readVolatileLong(address(offset, 8));
    }

    /**
     * Starts loading the cache line of {@code offset}, so that a later access finds it there: the allocator
     * calls this for independent words it is about to need, which lets their cache misses overlap instead
     * of queueing one behind another. A volatile read, because the JIT removes a plain read whose value is
     * unused. Does nothing for an offset outside the heap (the real access will report it).
     */
    public void prefetch(long offset) {
        Region r = region;
        long aligned = offset & ~7L; // a volatile read must be aligned (it faults on some CPUs otherwise)
        if (aligned >= 0 && aligned <= r.limit - 8) {
            MEMORY.readVolatileLong(r.address + aligned);
        }
    }

    /**
     * Reads a word for a hint (such as which line to {@link #prefetch} next) without ever throwing: an
     * offset outside the heap reads as 0. Never use the result for anything but a hint.
     */
    public long peekLong(long offset) {
        Region r = region;
        return offset >= 0 && offset <= r.limit - 8 ? MEMORY.readLong(r.address + offset) : 0;
    }

    public void writeInt(long offset, int value) {
        MEMORY.writeInt(address(offset, 4), value);
    }

    /**
     * Binds {@code range} to {@code [offset, offset + length)}, at or above the first block, after checking
     * it lies inside the heap.
     *
     * @throws dev.mappedheap.allocator.InvalidOffsetException if it does not (or the heap is closed)
     */
    public void bind(BoundRange range, long offset, long length) {
        range.bindTo(this, address(userFloor, offset, length), length);
    }

    /** Sets {@code len} bytes from {@code offset} to zero. */
    public void zero(long offset, long len) {
        if (len > 0) {
            MEMORY.setMemory(address(offset, len), len, (byte) 0);
        }
    }

    /** Copies {@code len} bytes inside the heap; the ranges must not overlap. */
    public void copy(long fromOffset, long toOffset, long len) {
        long src = address(fromOffset, len);
        long dst = address(toOffset, len);
        MEMORY.copyMemory(src, dst, len);
    }

    /** @return the channel of the mapped file, for growing it */
    public FileChannel channel() {
        return channel;
    }

    /**
     * Writes every dirty page of the file back to the device: {@code msync(MS_SYNC)} over the accessible
     * bytes, result checked (Chronicle only logs a failed msync), then {@code fsync}, which also makes the
     * file's size and block allocation (changed by growth) durable.
     *
     * @throws HeapException if either fails
     */
    public void sync() {
        Region r = region;
        msync(r, 0, r.limit);
        syncFile();
    }

    /**
     * Writes the dirty pages holding {@code [offset, offset + length)} back to the device and waits for them
     * ({@code msync(MS_SYNC)} of just those pages): the barrier of write-ahead logging, so that a journal
     * entry is on the device before the word it guards changes. Does not flush the file's size: see
     * {@link #syncFile()}.
     *
     * @throws InvalidOffsetException if the range is outside the accessible bytes
     * @throws HeapException if msync fails
     */
    public void syncRange(long offset, long length) {
        address(offset, length); // bounds check, following growth like every access
        Region r = region;
        msync(r, offset, length);
    }

    /** {@code msync(MS_SYNC)} of every accessible byte: every dirty page, no fsync. */
    public void syncMapped() {
        Region r = region;
        msync(r, 0, r.limit);
    }

    /**
     * {@code fsync} of the file: its data and metadata (size, block allocation), for the steps that change
     * them (creation, growth).
     *
     * @throws HeapException if fsync fails
     */
    public void syncFile() {
        try {
            Descriptors.fsync(channel);
        } catch (IOException e) {
            throw new HeapException("fsync failed: limit=" + region.limit, e);
        }
    }

    /** msync over the pages of {@code [offset, offset + length)} inside {@code r}, which must be in bounds. */
    private static void msync(Region r, long offset, long length) {
        if (r.address == 0 || length <= 0) {
            return; // closed: nothing mapped to flush
        }
        long page = OS.pageSize();
        long start = offset & -page;
        long end = Math.min(pageAlign(offset + length), pageAlign(r.limit));
        int rc = PosixAPI.posix().msync(r.address + start, end - start, MSyncFlag.MS_SYNC);
        if (rc != 0) {
            int errno = PosixAPI.posix().lastError();
            throw new HeapException("msync failed: errno=" + errno + " (" + PosixAPI.posix().strerror(errno)
                    + ") offset=" + start + " length=" + (end - start) + " limit=" + r.limit);
        }
    }

    /**
     * Releases the file: every window is replaced, at the same address, by an anonymous private mapping of
     * zero pages, then the channel is closed. Idempotent.
     *
     * <p>Why not unmap: lock-free calls (raw accessors, {@code usableSize}) may still be running in other
     * threads, with the window's address in hand; after an unmap they would fault and the JVM would die.
     * Over the placeholder they read zeros or write into scratch pages and then fail their next check. The
     * placeholders hold address space only (no file, no memory: {@code MAP_NORESERVE}, never touched) and
     * are unmapped when this object becomes unreachable, when no call can be running on it.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        retired.add(region);
        region = new Region(0, 0, 0);
        HeapException failure = null;
        List<long[]> placeholders = new ArrayList<>();
        for (Region r : retired) {
            if (replaceWithPlaceholder(r.address, r.windowSize)) {
                placeholders.add(new long[] {r.address, r.windowSize});
                continue;
            }
            try {
                OS.unmap(r.address, r.windowSize); // no placeholder possible: unmap as the last resort
            } catch (IOException e) {
                failure = new HeapException("cannot unmap the heap: windowSize=" + r.windowSize, e);
            }
        }
        retired.clear();
        CLEANER.register(this, () -> placeholders.forEach(p -> PosixAPI.posix().munmap(p[0], p[1])));
        try {
            channel.close();
        } catch (IOException e) {
            failure = new HeapException("cannot close the heap file", e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** {@code mmap(address, size, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS|MAP_NORESERVE)}. */
    private static boolean replaceWithPlaceholder(long address, long size) {
        try {
            return PosixAPI.posix().mmap(address, size, PROT_READ_WRITE, PLACEHOLDER_FLAGS, -1, 0) == address;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
