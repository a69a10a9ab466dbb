// Benchmarks, I1: the ping-pong between two processes, one-way latency = round trip / 2.
package dev.mappedheap.jmh.ipc;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.jmh.multi.MachineLock;
import dev.mappedheap.structs.log.HeapLog;
import dev.mappedheap.structs.roots.NamedRoots;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.queue.ChronicleQueue;
import org.HdrHistogram.Histogram;

/**
 * Workload I1 of ../shared/bench/WORKLOADS.md: two JVM processes pass a 64-byte message back and forth through
 * shared memory, {@code warmup} untimed round trips then {@code n} timed ones. The "ping" process reads
 * {@link System#nanoTime} before each send and after the reply has been copied out, and records the round
 * trip in an HdrHistogram (3 significant digits); one-way latency is half of it. The "pong" process echoes.
 * Neither side backs off in its spin loop (as for the peer figures), except {@code mappedheap-await}, whose
 * receivers block in {@code LogListener.await}.
 *
 * <p>Run by {@code jmh/run-ipc-bench.sh}; by hand, start {@code role=pong} and {@code role=ping} with the same
 * {@code peer=} and {@code dir=} (an empty directory): the ping creates the files, then a {@code ready} marker,
 * which the pong waits for. Peers: {@code mappedheap}, {@code mappedheap-await} (one heap file holding a
 * {@link HeapLog} per direction), {@code chronicle} (two Chronicle queues, all defaults), {@code agrona} (two
 * {@code OneToOneRingBuffer} files). The ping prints one {@code RESULT} line of {@code key=value} pairs. The ping
 * holds JMH's machine lock ({@link MachineLock}) for its run, so JMH runs of other benchmarks wait for it.
 */
public final class PingPong {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

    private PingPong() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("arguments are key=value: " + arg);
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String role = options.getOrDefault("role", "");
        String peer = options.getOrDefault("peer", "");
        Path dir = Path.of(options.getOrDefault("dir", ""));
        long n = Long.parseLong(options.getOrDefault("n", "1000000"));
        long warmup = Long.parseLong(options.getOrDefault("warmup", "100000"));
        if (role.equals("ping")) {
            // takes turns with JMH runs of other benchmarks on this machine (the pong only echoes while we run)
            MachineLock machine = MachineLock.acquire();
            try (Resources resources = Resources.create(peer, dir)) {
                Files.writeString(dir.resolve("ready.tmp"), "ready");
                Files.move(dir.resolve("ready.tmp"), dir.resolve("ready"), StandardCopyOption.ATOMIC_MOVE);
                ping(peer, resources.channel, n, warmup, options.get("hgrm"));
            } finally {
                machine.close();
            }
        } else if (role.equals("pong")) {
            awaitReady(dir);
            try (Resources resources = Resources.open(peer, dir)) {
                pong(resources.channel, n + warmup);
            }
        } else {
            throw new IllegalArgumentException("role=ping or role=pong, not: " + role);
        }
    }

    private static void ping(String peer, IpcChannel channel, long n, long warmup, String hgrm) throws IOException {
        byte[] message = new byte[64];
        byte[] reply = new byte[64];
        Histogram roundTrips = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        long cpuStart = 0;
        long wallStart = 0;
        for (long i = 0; i < warmup + n; i++) {
            if (i == warmup) {
                cpuStart = threads.getCurrentThreadCpuTime();
                wallStart = System.nanoTime();
            }
            LONGS.set(message, 0, i);
            long start = System.nanoTime();
            channel.send(message);
            long spins = 0;
            while (!channel.poll(reply)) {
                if ((++spins & 0xFFFFF) == 0 && System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("no reply within " + TIMEOUT_NANOS / 1_000_000_000 + " s: seq=" + i);
                }
            }
            long end = System.nanoTime();
            if ((long) LONGS.get(reply, 0) != i) {
                throw new IllegalStateException("reply out of order: expected=" + i + " found=" + LONGS.get(reply, 0));
            }
            if (i >= warmup) {
                roundTrips.recordValue(end - start);
            }
        }
        double wall = (System.nanoTime() - wallStart) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        System.out.println(String.format(Locale.ROOT, "RESULT peer=%s n=%d p50=%.1f p99=%.1f p99.9=%.1f p99.99=%.1f max=%.1f"
                + " mean=%.1f wallSeconds=%.2f pingCpuSeconds=%.2f", peer, n, oneWay(roundTrips, 50), oneWay(roundTrips, 99),
                oneWay(roundTrips, 99.9), oneWay(roundTrips, 99.99), roundTrips.getMaxValue() / 2.0,
                roundTrips.getMean() / 2, wall, cpu));
        if (hgrm != null) {
            try (var out = new java.io.PrintStream(Files.newOutputStream(Path.of(hgrm)), true, "UTF-8")) {
                roundTrips.outputPercentileDistribution(out, 2.0); // scaled: one-way ns
            }
        }
    }

    private static double oneWay(Histogram roundTrips, double percentile) {
        return roundTrips.getValueAtPercentile(percentile) / 2.0;
    }

    private static void pong(IpcChannel channel, long total) {
        byte[] message = new byte[64];
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        for (long i = 0; i < total; i++) {
            long spins = 0;
            while (!channel.poll(message)) {
                if ((++spins & 0xFFFFF) == 0 && System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("no message within " + TIMEOUT_NANOS / 1_000_000_000 + " s: seq=" + i);
                }
            }
            channel.send(message);
        }
    }

    /** Waits for the ping's marker; the ping may first wait for the machine lock (other benchmarks), so long. */
    private static void awaitReady(Path dir) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (!Files.exists(dir.resolve("ready"))) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the ping never became ready: dir=" + dir);
            }
            Thread.sleep(5);
        }
    }

    /** The files a peer works on, and the channel over them, closed together. */
    private static final class Resources implements AutoCloseable {
        final IpcChannel channel;
        private final Runnable owner;

        private Resources(IpcChannel channel, Runnable owner) {
            this.channel = channel;
            this.owner = owner;
        }

        static Resources create(String peer, Path dir) throws IOException {
            switch (peer) {
                case "mappedheap", "mappedheap-await" -> {
                    MappedHeap heap = MappedHeap.create(dir.resolve("log.heap"), HeapOptions.defaults().initialSize(64 << 20));
                    NamedRoots roots = NamedRoots.open(heap);
                    HeapLog toPong = HeapLog.create(heap);
                    HeapLog toPing = HeapLog.create(heap);
                    roots.put("ping2pong", toPong.offset());
                    roots.put("pong2ping", toPing.offset());
                    toPong.register("pong").close();
                    return new Resources(new HeapLogChannel(toPong, toPing.register("ping"), peer.endsWith("await")), heap::close);
                }
                case "chronicle" -> {
                    return chronicle(dir);
                }
                case "agrona" -> {
                    AgronaChannel.create(dir.resolve("ping2pong.ring"));
                    AgronaChannel.create(dir.resolve("pong2ping.ring"));
                    return new Resources(new AgronaChannel(dir.resolve("ping2pong.ring"), dir.resolve("pong2ping.ring")), () -> {});
                }
                default -> throw new IllegalArgumentException("peer: mappedheap, mappedheap-await, chronicle, agrona; not "
                        + peer);
            }
        }

        static Resources open(String peer, Path dir) {
            switch (peer) {
                case "mappedheap", "mappedheap-await" -> {
                    MappedHeap heap = MappedHeap.open(dir.resolve("log.heap"));
                    NamedRoots roots = NamedRoots.open(heap);
                    HeapLog toPong = HeapLog.open(heap, roots.get("ping2pong").orElseThrow());
                    HeapLog toPing = HeapLog.open(heap, roots.get("pong2ping").orElseThrow());
                    return new Resources(new HeapLogChannel(toPing, toPong.listener("pong"), peer.endsWith("await")), heap::close);
                }
                case "chronicle" -> {
                    ChronicleQueue fromPing = ChronicleQueue.singleBuilder(dir.resolve("ping2pong")).build();
                    ChronicleQueue toPing = ChronicleQueue.singleBuilder(dir.resolve("pong2ping")).build();
                    return new Resources(new ChronicleChannel(toPing, fromPing), () -> {});
                }
                case "agrona" -> {
                    return new Resources(new AgronaChannel(dir.resolve("pong2ping.ring"), dir.resolve("ping2pong.ring")), () -> {});
                }
                default -> throw new IllegalArgumentException("unknown peer: " + peer);
            }
        }

        private static Resources chronicle(Path dir) {
            ChronicleQueue toPong = ChronicleQueue.singleBuilder(dir.resolve("ping2pong")).build();
            ChronicleQueue fromPong = ChronicleQueue.singleBuilder(dir.resolve("pong2ping")).build();
            return new Resources(new ChronicleChannel(toPong, fromPong), () -> {});
        }

        @Override
        public void close() {
            channel.close();
            owner.run();
        }
    }
}
