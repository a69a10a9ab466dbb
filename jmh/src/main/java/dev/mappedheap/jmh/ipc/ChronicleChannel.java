// Benchmarks, I1: Chronicle Queue as one direction of the ping-pong.
package dev.mappedheap.jmh.ipc;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Chronicle Queue with all defaults, driven as in ../shared/bench/ipc-peers-RESULTS.md: the sender's queue
 * has an appender, the receiver's queue a tailer; 64 bytes written into and read out of the document's bytes.
 */
final class ChronicleChannel implements IpcChannel {
    private final ChronicleQueue outQueue;
    private final ChronicleQueue inQueue;
    private final ExcerptAppender appender;
    private final ExcerptTailer tailer;

    ChronicleChannel(ChronicleQueue outQueue, ChronicleQueue inQueue) {
        this.outQueue = outQueue;
        this.inQueue = inQueue;
        this.appender = outQueue.createAppender();
        this.tailer = inQueue.createTailer();
    }

    @Override
    public void send(byte[] message) {
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(message, 0, message.length);
        }
    }

    @Override
    public boolean poll(byte[] dst) {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return false;
            }
            dc.wire().bytes().read(dst, 0, dst.length);
            return true;
        }
    }

    @Override
    public void close() {
        appender.close();
        tailer.close();
        outQueue.close();
        inQueue.close();
    }
}
