// Benchmarks, I1: mappedheap's HeapLog as one direction of the ping-pong.
package dev.mappedheap.jmh.ipc;

import dev.mappedheap.structs.log.HeapLog;
import dev.mappedheap.structs.log.LogListener;
import java.util.concurrent.TimeUnit;

/**
 * Sends by {@link HeapLog#append}, receives by {@link LogListener#read} and acknowledges every message with
 * {@link LogListener#ack} (so segments are recycled as the peers' queues are not). With {@code await}, the
 * receiver blocks in {@link LogListener#await} (spin, yield, then park) instead of spinning in the caller.
 */
final class HeapLogChannel implements IpcChannel {
    private final HeapLog out;
    private final LogListener in;
    private final boolean await;

    HeapLogChannel(HeapLog out, LogListener in, boolean await) {
        this.out = out;
        this.in = in;
        this.await = await;
    }

    @Override
    public void send(byte[] message) {
        out.append(message, 0, message.length);
    }

    @Override
    public boolean poll(byte[] dst) {
        if (await && !in.await(1, TimeUnit.SECONDS)) {
            return false;
        }
        if (in.read(dst) < 0) {
            return false;
        }
        in.ack();
        return true;
    }

    @Override
    public void close() {
        in.close();
    }
}
