package dev.mappedheap.allocator.internal;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.channels.FileChannel;
import net.openhft.chronicle.core.Jvm;
import net.openhft.posix.PosixAPI;

/**
 * Internal layer: calls on a channel's own file descriptor that a thread's interrupt cannot break.
 *
 * <p>{@link FileChannel#size()}, {@link FileChannel#force}, and its reads and writes are interruptible: a
 * thread whose interrupt flag is set closes the channel, and with it every POSIX lock this JVM holds on the
 * file. For a heap that would be a broken handle; for the lock file, every instance in the JVM would look
 * dead to other processes. So the heap's own bookkeeping never goes through those methods: it asks the
 * descriptor directly.
 */
public final class Descriptors {
    private static final int SEEK_END = 2;

    private Descriptors() {}

    /** @return the channel's {@link FileDescriptor} */
    static FileDescriptor descriptor(FileChannel channel) {
        return Jvm.getValue(channel, "fd");
    }

    /** @return the channel's descriptor number, for the posix calls */
    static int number(FileChannel channel) {
        return Jvm.getValue(descriptor(channel), "fd");
    }

    /**
     * @return the file's size, from {@code lseek(fd, 0, SEEK_END)} (only positional I/O is ever used on
     *     these channels, so moving the descriptor's offset changes nothing)
     * @throws IOException if the call fails
     */
    public static long size(FileChannel channel) throws IOException {
        long size;
        try {
            size = PosixAPI.posix().lseek(number(channel), 0, SEEK_END);
        } catch (RuntimeException | LinkageError e) {
            throw new IOException("cannot read the file's size", e);
        }
        if (size < 0) {
            throw new IOException("lseek failed: errno=" + PosixAPI.posix().lastError());
        }
        return size;
    }

    /** {@code fsync} of the file, through {@link FileDescriptor#sync()}, which is not interruptible. */
    public static void fsync(FileChannel channel) throws IOException {
        descriptor(channel).sync();
    }
}
