package dev.mappedheap.allocator.lock;

import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.internal.FileSpace;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import net.openhft.chronicle.core.OS;
import net.openhft.chronicle.core.UnsafeMemory;

/**
 * Lock layer: the companion lock file that tells live lock holders from dead ones.
 *
 * <p>Every open heap (every {@code MappedHeap} instance, in any process) claims a <em>slot</em> here: slot
 * {@code s} is the 16 bytes at {@code 16 * s}, and the instance holds a POSIX write lock ({@code fcntl}) on
 * exactly that range for as long as it is open. The kernel drops the lock the moment the process dies,
 * before the process even becomes a zombie, so "someone holds slot s's range" is a liveness signal that
 * neither zombies nor reused pids can fool. This is LMDB's reader-table trick, with a slot per instance
 * instead of per pid so two instances in one JVM are told apart too.
 *
 * <p>An instance's identity, its <em>token</em>, is {@code generation << 16 | slot}: 48 random bits and the
 * slot number. The slot's 16 bytes hold the token of its current claimant and its pid (for people reading
 * the file), little-endian. The token is what lock words in the heap record. Token {@code t} is alive iff the
 * slot's stored token is still {@code t} (a new claimant of a dead instance's slot writes a new one) and
 * somebody holds the slot's range.
 *
 * <p>One object per lock file per JVM, shared by every instance in it: closing any channel of a file drops
 * every POSIX lock the JVM holds on it, so the channel is opened once and closed only when the last user
 * releases it. For the same reason the channel is used for nothing but {@code fcntl} locks (which a thread's
 * interrupt does not break): the slots' bytes are read and written through a mapping of the first
 * {@value #TABLE_BYTES} bytes, because an interrupted channel read or write would close the channel. The file is {@code NAME.lock} beside the heap file {@code NAME}, created with the heap file's
 * permissions and never deleted while a heap may be open.
 */
public final class LockFile {
    /** Bytes per slot: the claimant's token and pid. */
    public static final int SLOT_LENGTH = 16;
    /** Slots in a lock file: at most this many heap instances can have one heap file open at once. */
    public static final int SLOT_COUNT = 1 << 16;
    private static final long SLOT_MASK = SLOT_COUNT - 1;
    /** Bytes of slots, reserved on disk and mapped. */
    public static final long TABLE_BYTES = (long) SLOT_COUNT * SLOT_LENGTH;
    private static final UnsafeMemory MEMORY = UnsafeMemory.MEMORY;
    private static final Map<Object, LockFile> OPEN = new HashMap<>(); // guarded by LockFile.class
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Object key;
    private final Path path;
    private final FileChannel channel;
    private final long table;
    /** The slots claimed by instances in this JVM, and their tokens. Guarded by {@code this}. */
    private final Map<Integer, Long> ownSlots = new HashMap<>();
    private int users; // guarded by LockFile.class

    private LockFile(Object key, Path path, FileChannel channel, long table) {
        this.key = key;
        this.path = path;
        this.channel = channel;
        this.table = table;
    }

    /**
     * @return the lock file that goes with {@code heapFile}: {@code NAME.lock} beside the file the path
     *     really names, symbolic links resolved, so every path to one heap finds one lock file
     * @throws IOException if the heap file does not exist
     */
    public static Path pathFor(Path heapFile) throws IOException {
        Path real = heapFile.toRealPath();
        return real.resolveSibling(real.getFileName() + ".lock");
    }

    /**
     * Opens (creating it if needed) the lock file of {@code heapFile}, or shares the one this JVM already
     * has open. Every call must be paired with a {@link #release()}.
     *
     * @throws HeapException if the lock file cannot be created or opened
     */
    public static LockFile open(Path heapFile) {
        synchronized (LockFile.class) {
            Path path = heapFile;
            try {
                path = pathFor(heapFile);
                // keyed by the heap file's identity: names of one heap (hard links too) share one lock file here
                Object key = Files.readAttributes(heapFile, BasicFileAttributes.class).fileKey();
                if (key == null) {
                    key = heapFile.toRealPath();
                }
                LockFile shared = OPEN.get(key);
                if (shared == null) {
                    createIfAbsent(path, heapFile);
                    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                        throw new HeapException("the heap's lock file is not a regular file: file=" + path
                                + " (a symbolic link or other file in its place is refused)");
                    }
                    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                            LinkOption.NOFOLLOW_LINKS);
                    try {
                        FileSpace.reserve(path, channel, 0, TABLE_BYTES); // never map a page the file lacks
                        shared = new LockFile(key, path, channel,
                                OS.map(channel, FileChannel.MapMode.READ_WRITE, 0, TABLE_BYTES));
                    } catch (IOException | RuntimeException e) {
                        channel.close();
                        throw e;
                    }
                    OPEN.put(key, shared);
                }
                shared.users++;
                return shared;
            } catch (java.nio.file.AccessDeniedException e) {
                throw new dev.mappedheap.allocator.HeapAccessDeniedException("no read-write access to the heap's"
                        + " lock file (or to its directory, to create it): file=" + path + " (whoever opens the"
                        + " heap must be able to lock it: give the lock file the heap file's permissions)", e);
            } catch (IOException e) {
                throw new HeapException("cannot open the heap's lock file: file=" + path, e);
            }
        }
    }

    /**
     * Creates the lock file with the heap file's read and write permissions, set explicitly after creation
     * so the umask cannot narrow them: whoever may open the heap may lock it.
     */
    private static void createIfAbsent(Path path, Path heapFile) throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(heapFile);
        } catch (UnsupportedOperationException notPosix) {
            permissions = null;
        }
        try {
            Files.createFile(path);
        } catch (FileAlreadyExistsException raced) {
            return; // another process created it first: the same file, use it
        }
        if (permissions != null) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    /** Drops one user; the last one closes the channel (which drops this JVM's slot locks, all gone by then). */
    public void release() {
        synchronized (LockFile.class) {
            if (--users > 0) {
                return;
            }
            OPEN.remove(key);
            try {
                OS.unmap(table, TABLE_BYTES);
                channel.close();
            } catch (IOException ignored) {
                // nothing is locked any more; a failed close leaks a descriptor and nothing else
            }
        }
    }

    /**
     * Claims a free slot for a new heap instance: locks its range, then writes a fresh token and this
     * process's pid into it.
     *
     * @throws HeapException if every slot is taken or the file cannot be written
     */
    public synchronized Owner claim() {
        long start = ProcessHandle.current().pid() & SLOT_MASK;
        for (long i = 0; i < SLOT_COUNT; i++) {
            int slot = (int) ((start + i) & SLOT_MASK);
            if (ownSlots.containsKey(slot)) {
                continue;
            }
            FileLock lock;
            try {
                lock = channel.tryLock((long) slot * SLOT_LENGTH, SLOT_LENGTH, false);
            } catch (OverlappingFileLockException probing) {
                continue;
            } catch (IOException e) {
                throw new HeapException("cannot lock a slot of the lock file: file=" + path + " slot=" + slot, e);
            }
            if (lock == null) {
                continue; // another live instance's slot
            }
            long token = newToken(slot);
            long at = table + (long) slot * SLOT_LENGTH;
            MEMORY.writeLong(at + 8, ProcessHandle.current().pid());
            MEMORY.writeOrderedLong(at, token);
            ownSlots.put(slot, token);
            return new Owner(this, token, lock);
        }
        throw new HeapException("every slot of the lock file is taken: file=" + path + " slots=" + SLOT_COUNT);
    }

    private static long newToken(int slot) {
        long generation;
        do {
            generation = RANDOM.nextLong() >>> 16;
        } while (generation == 0);
        return generation << 16 | slot;
    }

    /** Called by {@link Owner#release()}: the slot's range is unlocked, so the token reads as dead. */
    synchronized void releaseSlot(Owner owner, FileLock lock) {
        int slot = slotOf(owner.token());
        Long current = ownSlots.get(slot);
        if (current != null && current == owner.token()) {
            ownSlots.remove(slot);
        }
        releaseQuietly(lock);
    }

    /**
     * Decides whether the instance that recorded {@code token} in a lock word is still alive. Never judges a
     * live instance dead, however slow or stopped it is: only the kernel's release of its slot lock, at
     * death or close, makes it dead.
     *
     * @param token a nonzero token read from a lock word
     * @return false when the instance has closed or its process has died
     * @throws HeapException if the lock file cannot be read
     */
    public synchronized boolean isAlive(long token) {
        int slot = slotOf(token);
        Long own = ownSlots.get(slot);
        if (own != null) {
            return own == token; // an instance in this JVM holds the slot now; only its own token is alive
        }
        try {
            if (MEMORY.readVolatileLong(table + (long) slot * SLOT_LENGTH) != token) {
                return false; // the slot was claimed again since: the instance behind the token has gone
            }
            FileLock probe = channel.tryLock((long) slot * SLOT_LENGTH, SLOT_LENGTH, false);
            if (probe == null) {
                return true; // another process holds the slot
            }
            releaseQuietly(probe);
            return false;
        } catch (OverlappingFileLockException claimedHere) {
            return true; // cannot happen while ownSlots is kept under this monitor; assume alive, retry later
        } catch (IOException e) {
            throw new HeapException("cannot probe the lock file: file=" + path + " slot=" + slot, e);
        }
    }

    /**
     * @return the pid recorded by the instance that owns {@code token}, or -1 when the slot has been claimed
     *     again since (for diagnostics only: pids are reused)
     */
    public synchronized long pidOf(long token) {
        long at = table + (long) slotOf(token) * SLOT_LENGTH;
        long pid = MEMORY.readVolatileLong(at + 8);
        return MEMORY.readVolatileLong(at) == token ? pid : -1;
    }

    /** @return the slot number a token names */
    public static int slotOf(long token) {
        return (int) (token & SLOT_MASK);
    }

    private static void releaseQuietly(FileLock lock) {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the lock goes with the channel at the latest
        }
    }

    @Override
    public String toString() {
        return "LockFile{" + path + "}";
    }
}
