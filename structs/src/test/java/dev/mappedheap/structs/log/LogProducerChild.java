package dev.mappedheap.structs.log;

import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.roots.NamedRoots;
import java.nio.file.Path;

/**
 * A producer in its own JVM: {@code file producerId count spread} appends entries 0..count-1 of that producer
 * to the log under the root "log" (count -1: until killed), printing {@code ready}, {@code ops N} every 100
 * entries and {@code done} at the end.
 */
public final class LogProducerChild {
    private LogProducerChild() {}

    public static void main(String[] args) {
        int producer = Integer.parseInt(args[1]);
        long count = Long.parseLong(args[2]);
        int spread = Integer.parseInt(args[3]);
        try (MappedHeap heap = MappedHeap.open(Path.of(args[0]))) {
            HeapLog log = HeapLog.open(heap, NamedRoots.open(heap).get("log").orElseThrow());
            byte[] buffer = new byte[LogEntries.HEAD + spread];
            System.out.println("ready");
            for (long seq = 0; count < 0 || seq < count; seq++) {
                log.append(buffer, 0, LogEntries.fill(buffer, producer, seq, spread));
                if (seq % 100 == 99) {
                    System.out.println("ops " + (seq + 1));
                }
            }
            System.out.println("done");
        }
    }
}
