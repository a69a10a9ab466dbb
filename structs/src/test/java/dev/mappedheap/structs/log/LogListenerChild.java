package dev.mappedheap.structs.log;

import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.roots.NamedRoots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A listener in its own JVM: {@code file name producers count spread ackEvery [ackLog]} opens the listener {@code name}
 * and reads until it has seen entry {@code count - 1} of every producer, checking every entry is whole and each
 * producer's entries come in order without a gap from the first one it sees (a restarted listener may start
 * before its predecessor's last entry: at-least-once). Prints {@code first P SEQ} for each producer's first
 * entry, {@code acking P SEQ} (the last entry read of each producer) before every acknowledgement (also appended to
 * {@code ackLog}, if given, with one unbuffered write: a kill -9 loses none of it, where the last lines to stdout
 * may not reach the parent), {@code ops N},
 * and at the end {@code done entries=N digest=D} where D hashes the order of everything it read. Exits 1 on a
 * gap or a torn entry.
 */
public final class LogListenerChild {
    private LogListenerChild() {}

    public static void main(String[] args) throws IOException {
        String name = args[1];
        int producers = Integer.parseInt(args[2]);
        long count = Long.parseLong(args[3]);
        int spread = Integer.parseInt(args[4]);
        int ackEvery = Integer.parseInt(args[5]);
        Path ackLog = args.length > 6 ? Path.of(args[6]) : null;
        long[] last = new long[producers];
        Arrays.fill(last, -1);
        int finished = 0;
        long entries = 0;
        long idle = 0;
        long digest = 17;
        byte[] buffer = new byte[LogEntries.HEAD + spread];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (MappedHeap heap = MappedHeap.open(Path.of(args[0]))) {
            HeapLog log = HeapLog.open(heap, NamedRoots.open(heap).get("log").orElseThrow());
            try (LogListener listener = log.listener(name)) {
                System.out.println("ready position=" + listener.position() + " tail=" + log.tailPosition()
                        + " next=" + listener.peekLength());
                while (finished < producers) {
                    if (System.nanoTime() > deadline) {
                        System.out.println("timeout last=" + Arrays.toString(last));
                        System.exit(2);
                    }
                    if (!listener.await(100, TimeUnit.MILLISECONDS)) {
                        idle++;
                        if (idle % 50 == 0) {
                            System.out.println("idle position=" + listener.position() + " tail=" + log.tailPosition()
                                    + " " + log.check());
                        }
                        continue;
                    }
                    int length = listener.read(buffer);
                    LogEntries.verify(buffer, length, spread);
                    int producer = LogEntries.producer(buffer);
                    long seq = LogEntries.seq(buffer);
                    if (last[producer] < 0) {
                        System.out.println("first " + producer + " " + seq);
                    } else if (seq != last[producer] + 1) {
                        System.out.println("out of order: producer=" + producer + " seq=" + seq + " last=" + last[producer]);
                        System.exit(1);
                    }
                    last[producer] = seq;
                    if (seq == count - 1) {
                        finished++;
                    }
                    entries++;
                    digest = digest * 1_000_003 + producer * 1_000_000_007L + seq;
                    if (entries % ackEvery == 0 || finished == producers) {
                        StringBuilder line = new StringBuilder("acking");
                        for (int p = 0; p < producers; p++) {
                            line.append(' ').append(p).append(' ').append(last[p]);
                        }
                        System.out.println(line);
                        if (ackLog != null) {
                            Files.writeString(ackLog, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        }
                        listener.ack();
                        System.out.println("ops " + entries);
                    }
                }
            }
        }
        System.out.println("done entries=" + entries + " digest=" + digest);
    }
}
