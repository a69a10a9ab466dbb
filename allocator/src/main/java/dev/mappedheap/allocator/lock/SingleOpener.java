package dev.mappedheap.allocator.lock;

import dev.mappedheap.allocator.HeapException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lock layer, for now: one heap file is used by one {@code MappedHeap} at a time. Until the inter-process
 * lock over the header's lock word exists, two users of one file would corrupt each other silently, so a
 * second open fails with a clear exception instead.
 *
 * <p>Two guards. Inside this JVM, a registry of the files' identities (device and inode), checked before any
 * channel is opened: closing any channel of a file drops every POSIX lock the JVM holds on it, so a second
 * channel must never be opened just to discover the conflict. Across processes, an exclusive
 * {@link FileLock} on the whole heap file, held until close; the kernel drops it when the process dies.
 */
public final class SingleOpener {
    private static final Set<Object> OPEN = ConcurrentHashMap.newKeySet();

    private final Object fileKey;
    private FileLock lock;

    private SingleOpener(Object fileKey) {
        this.fileKey = fileKey;
    }

    /**
     * Claims {@code file} for this JVM.
     *
     * @throws HeapException if a heap on this file is already open in this JVM
     */
    public static SingleOpener claim(Path file) {
        Object key;
        try {
            key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            throw new HeapException("cannot open heap file: file=" + file, e);
        }
        if (key == null) {
            key = file.toAbsolutePath().normalize();
        }
        if (!OPEN.add(key)) {
            throw new HeapException("heap file is already open in this JVM: file=" + file
                    + " (one MappedHeap per file until the inter-process lock lands; share that instance)");
        }
        return new SingleOpener(key);
    }

    /**
     * Takes the exclusive lock across processes on the file's channel.
     *
     * @throws HeapException if another process has the heap open
     */
    public void lockAcrossProcesses(Path file, FileChannel channel) {
        try {
            lock = channel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            throw new HeapException("cannot lock heap file: file=" + file, e);
        }
        if (lock == null) {
            throw new HeapException("heap file is open in another process: file=" + file
                    + " (one process at a time until the inter-process lock lands)");
        }
    }

    /** Releases both guards; the file lock also goes when the channel closes. Idempotent. */
    public void release() {
        OPEN.remove(fileKey);
    }
}
