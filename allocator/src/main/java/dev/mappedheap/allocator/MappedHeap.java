package dev.mappedheap.allocator;

import dev.mappedheap.allocator.alloc.Allocator;
import dev.mappedheap.allocator.alloc.BlockWalker;
import dev.mappedheap.allocator.alloc.HeapChecker;
import dev.mappedheap.allocator.alloc.HeapRepair;
import dev.mappedheap.allocator.format.BlockLayout;
import dev.mappedheap.allocator.format.HeaderLayout;
import dev.mappedheap.allocator.internal.BenchmarkSwitch;
import dev.mappedheap.allocator.internal.BoundRange;
import dev.mappedheap.allocator.internal.FileSpace;
import dev.mappedheap.allocator.internal.HeapMemory;
import dev.mappedheap.allocator.journal.SimulatedCrash;
import dev.mappedheap.allocator.journal.UndoJournal;
import dev.mappedheap.allocator.lock.LockFile;
import dev.mappedheap.allocator.lock.Owner;
import dev.mappedheap.allocator.lock.RobustLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A heap inside a memory-mapped file: allocate and free blocks by offset, read and write them, and find them
 * again after a restart through {@link #root()}.
 *
 * <pre>{@code
 * try (MappedHeap heap = MappedHeap.openOrCreate(Path.of("data.heap"), HeapOptions.defaults())) {
 *     long record = heap.allocate(64);
 *     heap.writeLong(record, 42);
 *     heap.setRoot(record);
 * }
 * }</pre>
 *
 * <p><b>Crash atomicity.</b> Every {@link #allocate}, {@link #free}, {@link #reallocate} and
 * {@link #setRoot}, and the file growth inside them, is atomic against a process crash: its metadata writes
 * go through an undo journal in the file, committed by one 8-byte store, and the next {@link #open} rolls an
 * interrupted operation back. Data written with the raw accessors is not journaled.
 *
 * <p><b>Durability.</b> Every completed operation, and every raw write, survives a process crash. What
 * survives a power loss depends on the handle's {@link Durability}: by default everything before the last
 * {@link #sync()}; with {@link Durability#SYNC_EACH_OPERATION} every operation that returned.
 *
 * <p><b>Checks.</b> Offsets given to {@link #free}, {@link #reallocate} and {@link #usableSize} must be live
 * blocks ({@link InvalidOffsetException} otherwise, with the heap unchanged). Raw reads and writes are
 * checked to stay between the first block and the end of the file's reserved space, not against block
 * boundaries. Offsets read from the file are
 * checked before they are followed ({@link HeapCorruptedException}).
 *
 * <p><b>Threads.</b> A {@code MappedHeap} may be shared between threads: allocator operations are
 * serialised by a lock; raw accessors take no lock, and threads that share a block must order their own
 * accesses. A {@link #close()} racing other calls never crashes the JVM: the file's pages are swapped for
 * anonymous ones, so a racing call throws or reads zeros.
 *
 * <p><b>Processes.</b> Any number of processes, and any number of instances in one process, may open one
 * heap file at once. Allocator operations take turns through the <em>heap lock</em>, a word in the file's
 * header that records its holder. A holder's liveness is a kernel file lock on its slot of the companion
 * lock file {@code NAME.lock} ({@link LockFile}), dropped by the kernel when the process dies; a waiter that
 * finds the holder dead takes the lock over and rolls the holder's unfinished operation back from the
 * journal, so nobody waits for a dead process. The lock is held only inside this class's methods, never
 * while the caller's code runs. When one process grows the file the others follow on their next access
 * (every offset stays valid). Blocks a process allocated and then died before linking anywhere stay
 * allocated: {@link #stats()} counts them among the live blocks.
 */
public final class MappedHeap implements AutoCloseable {
    /** Tries for {@link #lock} this many times (a few microseconds) before parking. */
    private static final int INSTANCE_LOCK_SPINS = 256;
    private final Path file;
    private final HeapMemory memory;
    private final LockFile lockFile;
    private final Owner owner;
    private final long token;
    private final RobustLock heapLock;
    private final UndoJournal journal;
    private final Allocator allocator;
    private final long heapStart;
    private final long salt;
    private final long growthIncrement;
    private final long maxSize;
    private final int recoveredWrites;
    private final Durability durability;
    /** Serialises this instance's threads before they compete for the heap lock with other instances. */
    private final ReentrantLock lock = new ReentrantLock();
    /** The JVM-side locks of {@link #lockAt}, one per lock word. */
    private final java.util.concurrent.ConcurrentHashMap<Long, ReentrantLock> locks =
            new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile String unusableReason;
    /** Set when this instance gave up its slot as a dead process would: the heap lock is not released. */
    private boolean abandoned;

    private MappedHeap(Path file, HeapFile.Opened opened, LockFile lockFile, Owner owner,
            UndoJournal.CrashHook recoveryHook, Durability durability) {
        HeapFile.Header header = opened.header();
        this.file = file;
        this.memory = opened.memory();
        this.lockFile = lockFile;
        this.owner = owner;
        this.token = owner.token();
        this.heapStart = header.heapStart();
        this.salt = header.salt();
        this.growthIncrement = header.growthIncrement();
        this.maxSize = header.maxSize();
        this.heapLock = new RobustLock(memory, HeaderLayout.LOCK_WORD_OFFSET, lockFile);
        this.journal = new UndoJournal(memory, header.journalOffset(), header.journalCapacity(), heapStart);
        this.allocator = new Allocator(memory, journal, heapStart, salt, this::grow);
        this.durability = durability;
        if (durability == Durability.SYNC_EACH_OPERATION) {
            journal.barrier(new DeviceBarrier(memory)); // before recovery: a rollback on open is flushed too
        }
        journal.crashHook(recoveryHook);
        lock.lock();
        try {
            this.recoveredWrites = acquireHeapLock();
            try {
                HeapFile.validateMutable(memory, file, header);
            } finally {
                if (!BenchmarkSwitch.UNGUARDED) {
                    heapLock.release(token);
                }
            }
        } finally {
            journal.crashHook(null);
            lock.unlock();
        }
    }

    /**
     * Creates a new heap file. The heap is built under a temporary name beside {@code file} and appears
     * under its own name only when complete, so no process ever opens a half-made heap and a crash during
     * creation leaves no file under the name.
     *
     * @param file where to create it; must not exist. Created with {@link HeapOptions#permissions} (readable
     *     and writable by its owner only by default), and flushed to the device with its directory entry
     * @param options initial size, growth increment, maximum size, permissions, and this handle's durability
     * @return the open heap
     * @throws HeapException if the file exists or cannot be created
     * @throws HeapFullException if the disk has no room for the initial size
     * @throws IllegalArgumentException if the initial size does not fit the maximum size
     */
    public static MappedHeap create(Path file, HeapOptions options) {
        return construct(file, HeapFile.create(file, options), null, options.durability());
    }

    /**
     * Opens an existing heap file, validates its header and rolls back an operation a crash interrupted, with
     * {@link Durability#EXPLICIT_SYNC}.
     *
     * @param file the heap file
     * @return the open heap
     * @throws IncompatibleFormatException if the file is not a heap or has an unknown format version
     * @throws HeapCorruptedException if the header contradicts itself or the file is truncated
     * @throws HeapAccessDeniedException if this process may not read and write the file or its lock file (a
     *     heap is never opened read-only)
     * @throws HeapException if the file cannot be opened
     */
    public static MappedHeap open(Path file) {
        return open(file, HeapOptions.defaults());
    }

    /**
     * Opens an existing heap file as {@link #open(Path)} does, with the per-handle parts of {@code options}:
     * its {@link HeapOptions#durability durability}. The sizes and permissions are the file's own and are
     * not changed.
     *
     * @param file the heap file
     * @param options whose durability this handle uses
     * @return the open heap
     * @throws HeapAccessDeniedException if this process may not read and write the file or its lock file
     * @throws HeapException as {@link #open(Path)}
     */
    public static MappedHeap open(Path file, HeapOptions options) {
        return construct(file, HeapFile.open(file), null, options.durability());
    }

    /** Recovers, validates and wraps a mapped file; unmaps it and releases it if any of that fails. */
    private static MappedHeap construct(Path file, HeapFile.Opened opened, UndoJournal.CrashHook recoveryHook,
            Durability durability) {
        LockFile lockFile = null;
        Owner owner = null;
        try {
            lockFile = LockFile.open(file);
            owner = lockFile.claim();
            return new MappedHeap(file, opened, lockFile, owner, recoveryHook, durability);
        } catch (RuntimeException | Error e) {
            try {
                opened.memory().close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            } finally {
                if (owner != null) {
                    owner.release(); // a crash simulated during recovery leaves the heap lock to a taker-over
                }
                if (lockFile != null) {
                    lockFile.release();
                }
            }
            throw e;
        }
    }

    /**
     * Opens the heap file if it exists, else creates it with {@code options}. An existing file keeps the
     * sizes and permissions it was created with; the handle uses the options' durability either way.
     */
    public static MappedHeap openOrCreate(Path file, HeapOptions options) {
        if (Files.exists(file)) {
            return open(file, options);
        }
        try {
            return create(file, options);
        } catch (HeapException e) {
            if (Files.exists(file) && e.getCause() instanceof java.nio.file.FileAlreadyExistsException) {
                return open(file, options); // lost a race with another creator
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- allocator operations

    /**
     * Allocates a block of at least {@code size} usable bytes, growing the file if nothing fits.
     *
     * @param size bytes wanted, {@code >= 0}
     * @return the block's offset: 16-byte aligned, never 0
     * @throws IllegalArgumentException if {@code size} is negative or absurdly large (over 2^56)
     * @throws HeapFullException if the file cannot grow (maxSize reached, disk full); nothing changed
     */
    public long allocate(long size) {
        if (size < 0 || size > BlockLayout.MAX_REQUEST) {
            throw new IllegalArgumentException("size out of range: size=" + size);
        }
        return atomically(ALLOCATE, size, 0, 0);
    }

    /**
     * Frees a block, merging it with free neighbours.
     *
     * @param offset a block returned by {@link #allocate} or {@link #reallocate} and not yet freed
     * @throws InvalidOffsetException if {@code offset} is not the start of a live block (including a double
     *     free); nothing changed
     */
    public void free(long offset) {
        atomically(FREE, offset, 0, 0);
    }

    /**
     * Resizes a block, in place when the block itself, the free block after it or the top of the heap has
     * room; otherwise moves it to a new block, copying its contents, and frees the old one.
     *
     * @param offset a live block
     * @param newSize bytes wanted, {@code >= 0}
     * @return the block's offset, the same as {@code offset} when resized in place
     * @throws InvalidOffsetException if {@code offset} is not a live block; nothing changed
     * @throws HeapFullException if the file cannot grow; nothing changed
     */
    public long reallocate(long offset, long newSize) {
        if (newSize < 0 || newSize > BlockLayout.MAX_REQUEST) {
            throw new IllegalArgumentException("size out of range: size=" + newSize);
        }
        return atomically(REALLOCATE, offset, newSize, 0);
    }

    /**
     * Allocates a block and stores its offset into the 8-byte word at {@code fieldOffset} of the live block
     * {@code holder}, as one atomic operation: after a crash the block is either not allocated or linked,
     * never leaked. (PMDK's {@code pmemobj_alloc} with a destination pointer is the same idea.) The new
     * block's payload reads as zeros, so a crash between the link and the caller's first write leaves a
     * linked block of zeros, never bytes of the block's previous owner.
     *
     * @param holder a live block that will point at the new one
     * @param fieldOffset offset of the link word inside {@code holder}'s payload: 8-aligned, in bounds
     * @param size bytes wanted
     * @return the new block's offset
     * @throws InvalidOffsetException if {@code holder} is not live or the link word is outside it; nothing
     *     changed
     * @throws HeapFullException if the file cannot grow; nothing changed
     */
    public long allocateInto(long holder, long fieldOffset, long size) {
        if (size < 0 || size > BlockLayout.MAX_REQUEST) {
            throw new IllegalArgumentException("size out of range: size=" + size);
        }
        return atomically(ALLOCATE_INTO, holder, fieldOffset, size);
    }

    /**
     * Frees the block that the 8-byte word at {@code fieldOffset} of the live block {@code holder} points
     * at, and sets that word to 0, as one atomic operation. Idempotent: a word that is already 0 frees
     * nothing, so a recovery that repeats it after a crash never frees a block twice.
     *
     * @return the offset freed, or 0 when the link was already 0
     * @throws InvalidOffsetException if {@code holder} is not live, the link word is outside it, or the link
     *     does not point at a live block; nothing changed
     */
    public long freeFrom(long holder, long fieldOffset) {
        return atomically(FREE_FROM, holder, fieldOffset, 0);
    }

    /**
     * Binds a flyweight to {@code [offset, offset + length)} of this heap after checking, once, that the range
     * lies inside the heap's blocks; its accessors then touch that memory directly (see {@link BoundRange}).
     * The caller checks that the range is the live block it expects (this checks bounds, not liveness).
     *
     * @throws InvalidOffsetException if the range is outside the heap, or the heap is closed
     */
    public void bind(BoundRange range, long offset, long length) {
        memory.bind(range, offset, length);
    }

    /**
     * Takes no lock: a live block's size and check word do not change while other threads and processes
     * allocate and free around it, so this is cheap enough to validate an offset before each use (struct
     * views do). A block being freed at the same moment by another thread is the caller's race.
     *
     * @param offset a live block
     * @return how many bytes the block holds (at least what was asked for)
     * @throws InvalidOffsetException if {@code offset} is not a live block
     */
    public long usableSize(long offset) {
        checkUsable();
        return allocator.usableSizeUnlocked(offset);
    }

    // ---------------------------------------------------------------- building blocks for data structures

    /**
     * A robust lock over the 8-byte word at {@code offset}, for data structures in the heap: see
     * {@link HeapLock}. Every call for the same offset on this instance shares one JVM-side lock.
     *
     * @param offset an 8-aligned word in a block, 0 when the lock is free
     * @throws InvalidOffsetException if the offset is unaligned or outside the heap's blocks
     */
    public HeapLock lockAt(long offset) {
        checkUsable();
        memory.userReadVolatileLong(offset); // validates alignment and bounds now rather than at first lock
        ReentrantLock local = locks.computeIfAbsent(offset, o -> new ReentrantLock());
        return new HeapLock(this, token, new RobustLock(memory, offset, lockFile), local, offset);
    }

    /** @return this instance's owner token: the nonzero value its locks store in their words */
    public long ownerToken() {
        return token;
    }

    /**
     * @param token a token read from a lock word (see {@link #ownerToken()})
     * @return false once the instance that owns {@code token} has closed or its process has died; never
     *     false for a live owner, however slow
     */
    public boolean isOwnerAlive(long token) {
        checkUsable();
        return token != 0 && lockFile.isAlive(token);
    }

    /**
     * Atomically sets the 8-aligned word at {@code offset} to {@code value} if it holds {@code expected}.
     *
     * @return true when it did
     * @throws InvalidOffsetException if the offset is unaligned, below the first block or past the file
     */
    public boolean compareAndSwapLong(long offset, long expected, long value) {
        return memory.userCompareAndSwapLong(offset, expected, value);
    }

    /** Reads the 8-aligned word at {@code offset} with acquire semantics (a volatile read). */
    public long readVolatileLong(long offset) {
        return memory.userReadVolatileLong(offset);
    }

    /** Stores the 8-aligned word at {@code offset} with release semantics: earlier stores are visible first. */
    public void writeOrderedLong(long offset, long value) {
        memory.userWriteOrderedLong(offset, value);
    }

    /** @throws IllegalStateException if closed, or {@link HeapException} if unusable after a failure */
    void checkOpen() {
        checkUsable();
    }

    /** @return the table-of-contents offset stored in the header; 0 when none was set */
    public long root() {
        checkUsable();
        return memory.readVolatileLong(HeaderLayout.ROOT_OFFSET);
    }

    /**
     * Stores the table-of-contents offset in the header, atomically and durably with the next sync.
     *
     * @param offset 0 for none, or an offset inside the heap
     * @throws InvalidOffsetException if {@code offset} is outside the heap
     */
    public void setRoot(long offset) {
        atomically(SET_ROOT, offset, 0, 0);
    }

    /**
     * Stores {@code offset} as the root only if the root is still {@code expected}, as one atomic operation:
     * for processes that race to create the same table of contents.
     *
     * @return true when the root was {@code expected} and is now {@code offset}
     * @throws InvalidOffsetException if {@code offset} is outside the heap
     */
    public boolean compareAndSetRoot(long expected, long offset) {
        return atomically(SWAP_ROOT, expected, offset, 0) == 1;
    }

    /**
     * One journaled operation, run by {@link #atomically}. The operations are constants that capture nothing
     * and take their arguments as parameters: a capturing lambda would put a small object on the Java heap
     * for every call, which the JIT does not always remove.
     */
    @FunctionalInterface
    private interface Operation {
        long run(MappedHeap heap, long a, long b, long c);
    }

    private static final Operation ALLOCATE = (heap, size, unused, unused2) -> heap.allocator.allocate(size);
    private static final Operation FREE = (heap, offset, unused, unused2) -> {
        heap.allocator.free(offset);
        return 0;
    };
    private static final Operation REALLOCATE = (heap, offset, size, unused) -> heap.allocator.reallocate(offset, size);
    private static final Operation ALLOCATE_INTO = (heap, holder, field, size) -> heap.allocator.allocateInto(holder,
            field, size);
    private static final Operation FREE_FROM = (heap, holder, field, unused) -> heap.allocator.freeFrom(holder, field);
    private static final Operation SET_ROOT = (heap, offset, unused, unused2) -> {
        heap.storeRoot(offset);
        return 0;
    };

    private static final Operation SWAP_ROOT = (heap, expected, offset, unused) -> {
        if (heap.memory.readLong(HeaderLayout.ROOT_OFFSET) != expected) {
            return 0;
        }
        heap.storeRoot(offset);
        return 1;
    };

    private void storeRoot(long offset) {
        long capacity = memory.readLong(HeaderLayout.CAPACITY_OFFSET);
        if (offset != 0 && (offset < heapStart || offset >= capacity)) {
            throw new InvalidOffsetException("root outside the heap: offset=" + offset + " heapStart=" + heapStart
                    + " capacity=" + capacity);
        }
        journal.write(HeaderLayout.ROOT_OFFSET, offset);
    }

    /**
     * Runs {@code operation} under both locks as one journaled operation: committed when it returns, rolled
     * back when it throws (or left for the next locker to roll back, after a simulated crash).
     */
    private long atomically(Operation operation, long a, long b, long c) {
        enter();
        try {
            journal.begin();
            long result;
            try {
                result = operation.run(this, a, b, c);
                journal.commit();
            } catch (Throwable t) {
                abort(t);
                throw t;
            }
            return result;
        } finally {
            exit();
        }
    }

    /**
     * Takes this instance's lock, then the heap lock in the file, catching up with growth and undoing what a
     * dead holder left half done. On return both locks are held; {@link #exit()} releases them.
     */
    private void enter() {
        lockInstance();
        try {
            checkUsable();
            acquireHeapLock();
        } catch (Throwable t) {
            lock.unlock();
            throw t;
        }
    }

    /**
     * Takes this instance's lock. The only way a thread can come back in while holding it is a progress
     * listener of check or repair (called under the heap lock) calling this heap: refused, since the heap lock
     * is not reentrant and closing would pull the mapping from under the walk.
     */
    private void lockInstance() {
        if (!lock.tryLock()) {
            waitForInstanceLock();
        }
        if (lock.getHoldCount() > 1) {
            lock.unlock();
            throw new IllegalStateException("this heap was called from inside one of its own operations (a progress"
                    + " listener of check or repair runs under the heap lock): " + file);
        }
    }

    /**
     * Spins a little before parking: an operation holds the lock for about a microsecond, while parking and
     * being woken costs tens of microseconds, and the releasing thread pays for the wake-up too.
     */
    private void waitForInstanceLock() {
        for (int i = 0; i < INSTANCE_LOCK_SPINS; i++) {
            Thread.onSpinWait();
            if (!lock.isLocked() && lock.tryLock()) {
                return;
            }
        }
        lock.lock();
    }

    private void exit() {
        try {
            if (!abandoned && !BenchmarkSwitch.UNGUARDED) {
                heapLock.release(token);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the heap lock, follows another process's growth, and rolls back the journal if an operation was
     * left open: by a holder that died (a takeover), or by a failure whose own rollback failed. If recovery
     * fails, the lock is released with the journal untouched, so every locker fails the same way (fail
     * closed) rather than working on half-changed metadata.
     *
     * @return metadata words restored
     */
    private int acquireHeapLock() {
        if (BenchmarkSwitch.UNGUARDED) {
            return 0;
        }
        boolean takenOver = heapLock.acquire(token);
        try {
            if (memory.readLong(HeaderLayout.CAPACITY_OFFSET) > memory.limit()) {
                memory.followGrowth();
            }
            int restored = journal.recover(memory.limit());
            if (takenOver) {
                bumpStatistic(HeaderLayout.LOCK_TAKEOVERS_OFFSET);
            }
            if (restored > 0) {
                bumpStatistic(HeaderLayout.RECOVERIES_OFFSET);
            }
            return restored;
        } catch (Throwable t) {
            if (t instanceof SimulatedCrash || t instanceof InternalError) {
                abandon(t);
            } else {
                try {
                    heapLock.release(token);
                } catch (RuntimeException e) {
                    t.addSuppressed(e);
                }
            }
            throw t;
        }
    }

    /** Counts an event in the header. Not journaled: a statistic, written under the heap lock. */
    private void bumpStatistic(int offset) {
        memory.writeOrderedLong(offset, memory.readLong(offset) + 1);
    }

    /**
     * Undoes a failed operation. A simulated crash, or a fault in the mapping itself, leaves the file as it
     * is and this handle unusable, as if the process had died: see {@link #abandon}.
     */
    private void abort(Throwable failure) {
        if (failure instanceof SimulatedCrash || failure instanceof InternalError) {
            abandon(failure);
            return;
        }
        try {
            journal.rollback();
        } catch (RuntimeException | Error e) {
            failure.addSuppressed(e);
            unusableReason = "rollback failed: " + e; // the journal stays as it is: the next locker recovers
        }
    }

    /**
     * Leaves the heap as a process killed at this instant would: the heap lock stays held by this instance's
     * token and the journal as it is, and the instance gives up its lock-file slot, so the next locker (in
     * any process) finds the holder dead, takes over and rolls back.
     */
    private void abandon(Throwable failure) {
        unusableReason = failure.toString();
        abandoned = true;
        owner.release();
    }

    private void checkUsable() {
        if (closed) {
            throw new IllegalStateException("heap is closed: file=" + file);
        }
        String reason = unusableReason;
        if (reason != null) {
            throw new HeapException("heap handle unusable after a failure; reopen the file: file=" + file
                    + " reason=" + reason);
        }
    }

    /** The allocator's growth step: reserve disk space first, then map it, then journal the new capacity. */
    private long grow(long capacity, long minCapacity) {
        long wanted = Math.max(minCapacity, capacity > Long.MAX_VALUE - growthIncrement ? Long.MAX_VALUE
                : capacity + growthIncrement);
        long newCapacity = Math.min(HeapFile.pageAlign(Math.min(wanted, Long.MAX_VALUE - 4096)), maxSize);
        if (newCapacity < minCapacity) {
            throw new HeapFullException("heap full: the file would pass maxSize: capacity=" + capacity + " needed="
                    + minCapacity + " maxSize=" + maxSize);
        }
        try {
            FileSpace.reserveExclusively(file, memory.channel(), capacity, newCapacity); // under the heap lock
        } catch (HeapFullException refused) {
            // nothing grew: the reservation gave back what it added, the mapping and the capacity word are as
            // they were, so the heap keeps working inside its size and the next growth tries again
            throw new HeapFullException("heap full: the file system refused the space to grow: capacity=" + capacity
                    + " needed=" + minCapacity + " requested=" + (newCapacity - capacity) + " newCapacity="
                    + newCapacity + " file=" + file + " reason=" + refused.getMessage(), refused.getCause());
        }
        if (durability == Durability.SYNC_EACH_OPERATION) {
            memory.syncFile(); // the file's new size on the device before the capacity word that relies on it
        }
        memory.extendLimit(newCapacity);
        journal.write(HeaderLayout.CAPACITY_OFFSET, newCapacity);
        return newCapacity;
    }

    // ---------------------------------------------------------------- raw access

    /**
     * Reads 8 bytes at {@code offset}.
     *
     * @throws InvalidOffsetException below the first block (the header and journal) or past the file
     */
    public long readLong(long offset) {
        return memory.userReadLong(offset);
    }

    /**
     * Writes 8 bytes at {@code offset}.
     *
     * @throws InvalidOffsetException below the first block (the header and journal) or past the file
     */
    public void writeLong(long offset, long value) {
        memory.userWriteLong(offset, value);
    }

    /**
     * Reads 4 bytes at {@code offset}.
     *
     * @throws InvalidOffsetException below the first block (the header and journal) or past the file
     */
    public int readInt(long offset) {
        return memory.userReadInt(offset);
    }

    /**
     * Writes 4 bytes at {@code offset}.
     *
     * @throws InvalidOffsetException below the first block (the header and journal) or past the file
     */
    public void writeInt(long offset, int value) {
        memory.userWriteInt(offset, value);
    }

    /**
     * Reads 1 byte at {@code offset}.
     *
     * @throws InvalidOffsetException below the first block (the header and journal) or past the file
     */
    public byte readByte(long offset) {
        return memory.userReadByte(offset);
    }

    /**
     * Writes 1 byte at {@code offset}.
     *
     * @throws InvalidOffsetException below the first block (the header and journal) or past the file
     */
    public void writeByte(long offset, byte value) {
        memory.userWriteByte(offset, value);
    }

    /**
     * Copies {@code len} bytes of {@code src}, from index {@code from}, to the heap at {@code offset}.
     *
     * @throws IndexOutOfBoundsException if {@code from}/{@code len} do not fit {@code src}
     * @throws InvalidOffsetException if the range is below the first block or past the file
     */
    public void write(long offset, byte[] src, int from, int len) {
        memory.userWrite(offset, src, from, len);
    }

    /**
     * Copies {@code len} bytes of the heap at {@code offset} into {@code dst} from index {@code from}.
     *
     * @throws IndexOutOfBoundsException if {@code from}/{@code len} do not fit {@code dst}
     * @throws InvalidOffsetException if the range is below the first block or past the file
     */
    public void read(long offset, byte[] dst, int from, int len) {
        memory.userRead(offset, dst, from, len);
    }

    /**
     * Copies {@code length} bytes inside the heap, from {@code fromOffset} to {@code toOffset}. The ranges may
     * overlap (like memmove). Not journaled, like every raw write.
     *
     * @throws IllegalArgumentException if {@code length} is negative
     * @throws InvalidOffsetException if either range is below the first block or past the file
     */
    public void copy(long fromOffset, long toOffset, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length: length=" + length);
        }
        memory.userCopy(fromOffset, toOffset, length);
    }

    // ---------------------------------------------------------------- whole-heap operations

    /** @return usage figures, consistent with each other */
    public HeapStats stats() {
        enter();
        try {
            return allocator.stats();
        } finally {
            exit();
        }
    }

    /**
     * Walks every block, free list and tree node and reports what is inconsistent. Read-only, bounded in
     * time by the heap's size, safe on a corrupt file.
     */
    public CheckReport check() {
        enter();
        try {
            return new HeapChecker(memory, heapStart, salt).check();
        } finally {
            exit();
        }
    }

    /**
     * {@link #check()}, telling {@code progress} how far the walk of the blocks has come: for tools that check
     * big heaps.
     *
     * @param progress called about every {@link ProgressListener#intervalBytes()} bytes walked, under the heap
     *     lock, since a check must see one moment of the heap (calling this heap from it throws
     *     {@link IllegalStateException})
     */
    public CheckReport check(ProgressListener progress) {
        enter();
        try {
            return new HeapChecker(memory, heapStart, salt).withProgress(progress).check();
        } finally {
            exit();
        }
    }

    /**
     * Walks the blocks from the first to the top, in file order. Bounded by the heap's size; a block whose
     * size breaks the tiling ends the walk with a report instead of an exception. Only sizes are checked on
     * the way ({@link #check()} checks everything).
     *
     * <p>The blocks are read in batches under the heap lock, and the visitor is called after the lock is
     * released: it may take its time, read and write blocks, and call this heap's operations. If another
     * operation changes the blocks between two batches, the walk goes on from the first block at or after
     * where it was, and the report says the heap changed during the walk: each block reported was a block
     * when it was read, offsets only grow, none is reported twice, but blocks changed meanwhile may be missing
     * or in an older shape. A walk of a heap that nothing changes reports every block exactly once.
     *
     * @param visitor told of each block
     * @return what was visited, and where and why the walk stopped if it did not reach the top
     */
    public WalkReport walk(BlockVisitor visitor) {
        return walk(visitor, ProgressListener.NONE);
    }

    /**
     * {@link #walk(BlockVisitor)}, telling {@code progress} how far it has come (outside the heap lock too).
     *
     * @param visitor told of each block
     * @param progress called about every {@link ProgressListener#intervalBytes()} bytes walked
     * @return what was visited
     */
    public WalkReport walk(BlockVisitor visitor, ProgressListener progress) {
        BlockWalker walker = new BlockWalker(heapStart, progress);
        do {
            enter();
            try {
                walker.readBatch(memory);
            } finally {
                exit();
            }
            walker.deliver(visitor);
        } while (!walker.finished());
        return walker.report();
    }

    /**
     * Checks the heap and rebuilds what can be derived from the block boundary tags: PINUSE bits, footers,
     * the free lists and their bitmaps, the free tree, the counters, and the merging of adjacent free
     * blocks. The payload of every block in use is left untouched. A range whose tags cannot be believed
     * becomes one block in use that keeps its bytes (reported, so it can be inspected and freed); the rest
     * is salvaged. See docs/FORMAT.md, section 8.
     *
     * <p>Runs under the heap lock, so other processes wait; not journaled, but ordered so that a crash
     * midway leaves a heap that hands out no block in use, and that a second repair finishes. Does nothing
     * (writes nothing) when the check finds no problem.
     *
     * @return what the check found, what was rebuilt, the unreadable ranges, and the check afterwards
     */
    public RepairReport repair() {
        return repair(ProgressListener.NONE);
    }

    /**
     * {@link #repair()}, telling {@code progress} how far each of its walks has come.
     *
     * @param progress called with the phases {@code "check"}, {@code "repair"}, {@code "check"}
     * @return what was found and done
     */
    public RepairReport repair(ProgressListener progress) {
        enter();
        try {
            // the sequence moves on before the first unjournaled write, not after the last: a repair stopped
            // midway (a throwing listener, a killed process) has changed the blocks too, and a walk must know
            return new HeapRepair(memory, heapStart, salt, journal::markChanged).repair(progress);
        } finally {
            exit();
        }
    }

    /** @return the header's fields, read together under the heap lock */
    public HeapInfo info() {
        enter();
        try {
            return new HeapInfo(
                    (int) memory.readLong(HeaderLayout.FORMAT_VERSION_OFFSET), // little-endian: the low half
                    heapStart,
                    memory.readLong(HeaderLayout.JOURNAL_OFFSET_OFFSET),
                    (int) memory.readLong(HeaderLayout.JOURNAL_CAPACITY_OFFSET),
                    salt,
                    growthIncrement,
                    maxSize,
                    memory.readLong(HeaderLayout.CAPACITY_OFFSET),
                    memory.readLong(HeaderLayout.TOP_OFFSET),
                    memory.readLong(HeaderLayout.ROOT_OFFSET),
                    memory.readLong(HeaderLayout.JOURNAL_SEQ_OFFSET));
        } finally {
            exit();
        }
    }

    /**
     * Flushes every change to the storage device: {@code msync(MS_SYNC)} of the whole mapping (every dirty
     * page, the metadata and what was written with the raw accessors, by any process), then {@code fsync} of
     * the file (its size and block allocation, which growth changes). The file's directory entry was flushed
     * when the file was created. A heap not modified after its last sync is consistent after an OS crash or
     * power loss and holds every change made before that sync; changes made after it may reach the disk
     * partly and in any order (see {@link Durability}).
     *
     * <p>Safe to call from any thread; it takes this instance's lock but not the heap lock, so a concurrent
     * operation of another process is flushed partly (that is what the journal is for).
     *
     * @throws HeapException if the flush fails
     */
    public void sync() {
        lock.lock();
        try {
            checkUsable();
            memory.sync();
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@link #sync()} when this handle was opened with {@link Durability#SYNC_EACH_OPERATION}, nothing
     * otherwise: for data structures with their own commit (transactions over raw writes), so they flush at
     * commit exactly when the program asked for per-operation durability.
     *
     * @throws HeapException if the flush fails
     */
    public void syncIfDurable() {
        if (durability == Durability.SYNC_EACH_OPERATION) {
            sync();
        }
    }

    /**
     * Flushes the pages holding {@code [offset, offset + length)} to the device and waits for them
     * ({@code msync(MS_SYNC)} of those pages only, no fsync): the write-ahead barrier for a data structure's
     * own log, whose entry must be on the device before the bytes it guards change. Cheaper than
     * {@link #sync()} when few pages are dirty, but it does not flush the file's size.
     *
     * @throws InvalidOffsetException if the range is below the first block or past the file
     * @throws HeapException if the flush fails
     */
    public void syncRange(long offset, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length: length=" + length);
        }
        checkUsable();
        if (offset < heapStart) {
            throw new InvalidOffsetException("sync below the first block (header and journal): offset=" + offset
                    + " heapStart=" + heapStart);
        }
        memory.syncRange(offset, length);
    }

    /** @return what this handle flushes: see {@link Durability} */
    public Durability durability() {
        return durability;
    }

    /** @return how many metadata words the open of this heap restored from an interrupted operation (later
     *     recoveries, by whichever process takes the lock next, are counted in {@link HeapStats#recoveries()}) */
    public int recoveredWrites() {
        return recoveredWrites;
    }

    /** @return the file this heap lives in */
    public Path file() {
        return file;
    }

    /** Unmaps the file. Idempotent. Does not sync: call {@link #sync()} first for durability. */
    @Override
    public void close() {
        lockInstance();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                memory.close();
            } finally {
                owner.release();
                lockFile.release();
            }
        } finally {
            lock.unlock();
        }
    }

    /** For tests in this package: {@link #open} with a hook that can stop recovery midway, as a crash would. */
    static MappedHeap openWithRecoveryHook(Path file, UndoJournal.CrashHook recoveryHook) {
        return construct(file, HeapFile.open(file), recoveryHook, Durability.EXPLICIT_SYNC);
    }

    /** For tests in this package: every live block's offset, walked under the heap lock. */
    long[] livePayloads() {
        enter();
        try {
            return new HeapChecker(memory, heapStart, salt).livePayloads();
        } finally {
            exit();
        }
    }

    /** For tests in this package: the pid recorded by the heap lock's holder; 0 when free, -1 if unknown. */
    long lockHolderPid() {
        long holder = heapLock.holder();
        return holder == 0 ? 0 : lockFile.pidOf(holder);
    }

    /** For tests in this package: the journal, to install a crash hook. */
    UndoJournal journal() {
        return journal;
    }

    @Override
    public String toString() {
        return "MappedHeap{file=" + file + (closed ? " closed" : " capacity=" + memory.limit()) + "}";
    }
}
