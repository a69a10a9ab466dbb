package dev.mappedheap.allocator.internal;

import dev.mappedheap.allocator.HeapFullException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import net.openhft.chronicle.core.Jvm;
import net.openhft.posix.PosixAPI;

/**
 * Internal layer: reserving disk space for a heap file before any of it is mapped or touched.
 *
 * <p>Writing to a mapped page that the file system cannot back raises SIGBUS, which the JVM cannot turn into
 * an exception reliably (../shared/RELIABILITY.md). So the file is extended with {@code fallocate(2)}, which
 * either reserves every block or fails with ENOSPC/EFBIG before anything is mapped. Where the file system
 * does not support fallocate, zeros are written through the channel instead, which reserves the blocks too.
 *
 * <p>fallocate runs on the channel's own file descriptor. Opening the file a second time would be fatal to
 * locking: closing any descriptor of a file drops every POSIX lock the process holds on it
 * (../shared/RELIABILITY.md). For the same reason the zero-writing fallback also goes through the channel.
 */
public final class FileSpace {
    private static final int ENOSPC = 28;
    private static final int EFBIG = 27;
    private static final int EOPNOTSUPP = 95;
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
     * Makes the file at least {@code newLength} bytes long with all bytes from {@code oldLength} on reserved.
     *
     * @return how the space was reserved
     * @throws HeapFullException when the file system refuses the space (full disk, file-size limit, quota)
     */
    public static Method reserve(Path file, FileChannel channel, long oldLength, long newLength) {
        if (newLength <= oldLength) {
            return Method.NONE;
        }
        int errno = fallocate(channel, oldLength, newLength - oldLength);
        if (errno == 0) {
            return Method.FALLOCATE;
        }
        if (errno == ENOSPC || errno == EFBIG) {
            throw new HeapFullException("no disk space for the heap to grow: file=" + file + " from=" + oldLength
                    + " to=" + newLength + " errno=" + errno + " (" + strerror(errno) + ")");
        }
        zeroFill(file, channel, oldLength, newLength, errno);
        return Method.ZEROS;
    }

    /** @return 0 on success, else the errno; -1 when fallocate cannot be called at all */
    private static int fallocate(FileChannel channel, long offset, long length) {
        final PosixAPI posix;
        final int fd;
        try {
            posix = PosixAPI.posix();
            FileDescriptor descriptor = Jvm.getValue(channel, "fd");
            fd = Jvm.getValue(descriptor, "fd");
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
        int rc = posix.fallocate(fd, 0, offset, length);
        return rc == 0 ? 0 : Math.max(posix.lastError(), 1);
    }

    private static String strerror(int errno) {
        try {
            return PosixAPI.posix().strerror(errno);
        } catch (RuntimeException | LinkageError e) {
            return "errno " + errno;
        }
    }

    private static void zeroFill(Path file, FileChannel channel, long from, long to, int fallocateErrno) {
        ByteBuffer zeros = ByteBuffer.allocate(ZERO_CHUNK);
        try {
            long position = Math.max(from, channel.size());
            while (position < to) {
                zeros.clear().limit((int) Math.min(ZERO_CHUNK, to - position));
                position += channel.write(zeros, position);
            }
        } catch (IOException e) {
            String why = fallocateErrno == EOPNOTSUPP ? "fallocate unsupported" : "fallocate errno=" + fallocateErrno;
            throw new HeapFullException(
                    "cannot reserve space for the heap to grow: file=" + file + " from=" + from + " to=" + to + " ("
                            + why + ", then writing zeros failed)",
                    e);
        }
    }
}
