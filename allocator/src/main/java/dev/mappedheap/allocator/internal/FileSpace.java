package dev.mappedheap.allocator.internal;

import dev.mappedheap.allocator.HeapFullException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.posix.PosixAPI;

/**
 * Internal layer: reserving disk space for a heap file before any of it is mapped or touched.
 *
 * <p>Writing to a mapped page that the file system cannot back raises SIGBUS, which the JVM cannot turn into
 * an exception reliably (../shared/RELIABILITY.md). So the file is extended with {@code fallocate(2)}, which
 * either reserves every block or fails before anything is mapped. Where it fails or is unsupported, zeros are
 * written through the channel instead, which reserves the blocks too or fails with the real reason.
 *
 * <p>fallocate runs on the channel's own file descriptor. Opening the file a second time would be fatal to
 * locking: closing any descriptor of a file drops every POSIX lock the process holds on it
 * (../shared/RELIABILITY.md). For the same reason the zero-writing fallback also goes through the channel.
 */
public final class FileSpace {
    private static final int ZERO_CHUNK = 1 << 20;

    private FileSpace() {}

    /** How {@link #reserve} got the space. */
    public enum Method {
        /** Nothing to reserve. */
        NONE,
        /** {@code fallocate(2)} on the channel's descriptor. */
        FALLOCATE,
        /** Zeros written through the channel, where fallocate is unsupported or unavailable. */
        ZEROS
    }

    /**
     * Makes the file at least {@code newLength} bytes long with all bytes from {@code oldLength} on reserved,
     * for a file other processes may be extending at the same time (opening a heap, a lock file): a failed
     * reservation never truncates, since what it would give back may be another process's new space.
     *
     * @return how the space was reserved
     * @throws HeapFullException when the file system refuses the space (full disk, file-size limit, quota)
     */
    public static Method reserve(Path file, FileChannel channel, long oldLength, long newLength) {
        return reserve(file, channel, oldLength, newLength, false);
    }

    /**
     * {@link #reserve}, for a caller that alone may extend the file (growth under the heap lock, a file being
     * created under a private name): a failed reservation gives back what it added, so a full disk is not
     * left fuller.
     */
    public static Method reserveExclusively(Path file, FileChannel channel, long oldLength, long newLength) {
        return reserve(file, channel, oldLength, newLength, true);
    }

    private static Method reserve(Path file, FileChannel channel, long oldLength, long newLength, boolean exclusive) {
        if (newLength <= oldLength) {
            return Method.NONE;
        }
        // First, a step larger than the file system's free space is refused outright: fallocate on ext4
        // allocates extent by extent and fails only when the disk is full (and the zero-writing fallback
        // would fill it too), so a huge step (a crafted file's growthIncrement, say) would fill the disk.
        refuseBeyondUsableSpace(file, channel, oldLength, newLength);
        long sizeBefore = exclusive ? sizeOrUnknown(channel) : -1;
        if (fallocate(channel, oldLength, newLength - oldLength)) {
            return Method.FALLOCATE;
        }
        // A failed fallocate may keep what it allocated (and the file size with it): give that back.
        giveBack(channel, sizeBefore, newLength, null);
        // The posix module's fallocate tries three calls in turn and its errno is then unreliable; writing
        // zeros either reserves the space or fails with the real reason (ENOSPC, EFBIG) as an IOException.
        zeroFill(file, channel, oldLength, newLength, exclusive);
        return Method.ZEROS;
    }

    /**
     * Reserves {@code [from, to)} with fallocate only (no fallback that writes through the channel): for
     * space that should already be reserved, where a failure means "do not use it".
     *
     * @return true when the range is reserved
     */
    public static boolean reserveWithFallocate(FileChannel channel, long from, long to) {
        return to <= from || fallocate(channel, from, to - from);
    }

    /** @return true when fallocate reserved the range; false when it failed or cannot be called here */
    private static boolean fallocate(FileChannel channel, long offset, long length) {
        try {
            return PosixAPI.posix().fallocate(Descriptors.number(channel), 0, offset, length) == 0;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static long sizeOrUnknown(FileChannel channel) {
        try {
            return channel.size();
        } catch (IOException e) {
            return -1;
        }
    }

    private static void refuseBeyondUsableSpace(Path file, FileChannel channel, long from, long to) {
        long usable;
        long size;
        try {
            usable = Files.getFileStore(file).getUsableSpace();
            size = channel.size();
        } catch (IOException | RuntimeException e) {
            return; // unknown: let the writes find out
        }
        long needed = to - Math.max(from, size);
        if (needed > usable) {
            throw new HeapFullException("no space for the heap to grow: file=" + file + " from=" + from + " to=" + to
                    + " needed=" + needed + " usableSpace=" + usable + " (refused before reserving; nothing written)");
        }
    }

    private static void zeroFill(Path file, FileChannel channel, long from, long to, boolean exclusive) {
        ByteBuffer zeros = ByteBuffer.allocate(ZERO_CHUNK);
        long sizeBefore = -1;
        try {
            long size = channel.size();
            sizeBefore = exclusive ? size : -1;
            long position = Math.max(from, size);
            while (position < to) {
                zeros.clear().limit((int) Math.min(ZERO_CHUNK, to - position));
                position += channel.write(zeros, position);
            }
        } catch (IOException e) {
            giveBack(channel, sizeBefore, to, e);
            throw new HeapFullException("no space for the heap to grow: file=" + file + " from=" + from + " to=" + to
                    + " (fallocate failed, then writing zeros failed: " + e.getMessage() + ")", e);
        }
    }

    /**
     * Truncates what a failed exclusive reservation added ({@code sizeBefore} is -1 otherwise; {@code failure},
     * if not null, collects a failure to truncate). Those bytes were never part of the heap, so no process maps or touches them; leaving them
     * would only hold on to the last free space of a full disk.
     */
    private static void giveBack(FileChannel channel, long sizeBefore, long wanted, IOException failure) {
        if (sizeBefore < 0 || wanted <= sizeBefore) {
            return; // not ours to give back, or nothing was asked beyond the old end
        }
        try {
            if (channel.size() > sizeBefore) {
                channel.truncate(sizeBefore);
            }
        } catch (IOException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            }
        }
    }
}
