// Benchmarks, I1: one direction of a cross-process hand-off, as each peer does it.
package dev.mappedheap.jmh.ipc;

/**
 * One direction of a ping-pong link between two processes: the same two calls for every peer, so the loops in
 * {@link PingPong} are identical. Every implementation copies the message in on send and out on receive.
 */
interface IpcChannel extends AutoCloseable {
    /** Sends {@code message} (64 bytes). */
    void send(byte[] message);

    /** @return true when a message was copied into {@code dst}; false when none is there yet */
    boolean poll(byte[] dst);

    @Override
    void close();
}
