package dev.mappedheap.allocator.lock;

import dev.mappedheap.allocator.HeapException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

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
 * releases it. The file is {@code NAME.lock} beside the heap file {@code NAME}, created with the heap file's
 * permissions and never deleted while a heap may be open.
 */
public final class LockFile {
    /** Bytes per slot: the claimant's token and pid. */
    public static final int SLOT_LENGTH = 16;
    /** Slots in a lock file: at most this many heap instances can have one heap file open at once. */
    public static final int SLOT_COUNT = 1 << 16;
    private static final long SLOT_MASK = SLOT_COUNT - 1;
    private static final Map<Object, LockFile> OPEN = new HashMap<>(); // guarded by LockFile.class
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Object key;
    private final Path path;
    private final FileChannel channel;
    /** The slots claimed by instances in this JVM, and their tokens. Guarded by {@code this}. */
    private final Map<Integer, Long> ownSlots = new HashMap<>();
    private int users; // guarded by LockFile.class

    private LockFile(Object key, Path path, FileChannel channel) {
        this.key = key;
        this.path = path;
        this.channel = channel;
    }

    /** @return the lock file that goes with {@code heapFile}: {@code NAME.lock} beside it */
    public static Path pathFor(Path heapFile) {
        return heapFile.resolveSibling(heapFile.getFileName() + ".lock");
    }

    /**
     * Opens (creating it if needed) the lock file of {@code heapFile}, or shares the one this JVM already
     * has open. Every call must be paired with a {@link #release()}.
     *
     * @throws HeapException if the lock file cannot be created or opened
     */
    public static LockFile open(Path heapFile) {
        Path path = pathFor(heapFile);
        synchronized (LockFile.class) {
            try {
                createIfAbsent(path, heapFile);
                Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
                if (key == null) {
                    key = path.toAbsolutePath().normalize();
                }
                LockFile shared = OPEN.get(key);
                if (shared == null) {
                    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    shared = new LockFile(key, path, channel);
                    OPEN.put(key, shared);
                }
                shared.users++;
                return shared;
            } catch (IOException e) {
                throw new HeapException("cannot open the heap's lock file: file=" + path, e);
            }
        }
    }

    /** Creates the lock file with the heap file's permissions, so whoever may open the heap may lock it. */
    private static void createIfAbsent(Path path, Path heapFile) throws IOException {
        if (Files.exists(path)) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions;
            try {
                permissions = Files.getPosixFilePermissions(heapFile);
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(path);
                return;
            }
            Files.createFile(path, PosixFilePermissions.asFileAttribute(permissions));
        } catch (FileAlreadyExistsException raced) {
            // another process created it first: the same file, use it
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
            try {
                writeSlot(slot, token, ProcessHandle.current().pid());
            } catch (IOException e) {
                releaseQuietly(lock);
                throw new HeapException("cannot write the lock file: file=" + path + " slot=" + slot, e);
            }
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
            if (readSlotToken(slot) != token) {
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
        int slot = slotOf(token);
        try {
            ByteBuffer buffer = readSlot(slot);
            return buffer.getLong(0) == token ? buffer.getLong(8) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** @return the slot number a token names */
    public static int slotOf(long token) {
        return (int) (token & SLOT_MASK);
    }

    private long readSlotToken(int slot) throws IOException {
        return readSlot(slot).getLong(0);
    }

    private ByteBuffer readSlot(int slot) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(SLOT_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        long position = (long) slot * SLOT_LENGTH;
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                break; // past the end: never written, reads as zeros
            }
        }
        return buffer.clear();
    }

    private void writeSlot(int slot, long token, long pid) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(SLOT_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(token).putLong(pid).flip();
        long position = (long) slot * SLOT_LENGTH;
        while (buffer.hasRemaining()) {
            channel.write(buffer, position + buffer.position());
        }
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
