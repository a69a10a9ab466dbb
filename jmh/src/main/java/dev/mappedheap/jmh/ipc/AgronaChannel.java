// Benchmarks, I1: Agrona's OneToOneRingBuffer over a mapped file as one direction of the ping-pong.
package dev.mappedheap.jmh.ipc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Two files of 64 KiB + the ring's trailer, zero-filled (an empty ring), mapped read-write and wrapped in an
 * {@link UnsafeBuffer}: {@code write(1, src, 0, 64)} to send, {@code read(handler, 1)} copying 64 bytes out.
 */
final class AgronaChannel implements IpcChannel, MessageHandler {
    static final int CAPACITY = 64 * 1024;
    static final long FILE_LENGTH = CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;

    private final OneToOneRingBuffer out;
    private final OneToOneRingBuffer in;
    private final UnsafeBuffer source = new UnsafeBuffer(new byte[64]);
    private byte[] target;

    AgronaChannel(Path outFile, Path inFile) {
        this.out = new OneToOneRingBuffer(new UnsafeBuffer(map(outFile)));
        this.in = new OneToOneRingBuffer(new UnsafeBuffer(map(inFile)));
    }

    /** Creates a zero-filled ring file. */
    static void create(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.allocate((int) FILE_LENGTH));
        }
    }

    private static MappedByteBuffer map(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, FILE_LENGTH);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void send(byte[] message) {
        source.wrap(message);
        while (!out.write(1, source, 0, message.length)) {
            Thread.onSpinWait(); // full: cannot happen in a ping-pong, one message in flight
        }
    }

    @Override
    public boolean poll(byte[] dst) {
        target = dst;
        return in.read(this, 1) == 1;
    }

    @Override
    public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
        buffer.getBytes(index, target, 0, length);
    }

    @Override
    public void close() {
        // the mappings go with the process
    }
}
