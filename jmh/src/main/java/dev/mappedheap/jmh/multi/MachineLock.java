// Benchmark layer: take turns with the other benchmarks on this machine, as JMH itself does.
package dev.mappedheap.jmh.multi;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * JMH refuses to start while another JMH run holds {@code java.io.tmpdir/jmh.lock} (a kernel file lock), so two
 * benchmarks never share the cores. {@link SharedHeapW2} is not JMH but takes the same lock for its whole run,
 * waiting for it rather than failing: its figures are then not disturbed by, and do not disturb, a JMH run of
 * someone else on this machine.
 *
 * <p>Holds the lock until {@link #close}; one per run, on the parent's main thread. Also taken by the I1 ping
 * ({@code dev.mappedheap.jmh.ipc.PingPong}) for each of its runs.
 */
public final class MachineLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private MachineLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, waiting as long as another benchmark holds it.
     *
     * @return the held lock
     * @throws IOException if the lock file cannot be opened or locked
     */
    public static MachineLock acquire() throws IOException {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                System.out.println("# waiting for another benchmark on this machine to finish (" + file + ")");
                lock = channel.lock();
            }
            return new MachineLock(channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
