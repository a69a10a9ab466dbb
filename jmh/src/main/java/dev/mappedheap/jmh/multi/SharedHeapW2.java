// Benchmark layer: W2 on one heap file shared by several JVMs or several threads, total steps per second.
package dev.mappedheap.jmh.multi;

import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.allocator.internal.BenchmarkSwitch;
import dev.mappedheap.jmh.TempDirs;
import dev.mappedheap.jmh.alloc.MappedHeapAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * W2 churn-mixed with many workers on one heap: the parent creates a heap file (options
 * {@link MappedHeapAllocator#OPTIONS}, as the JMH workloads), starts {@code processes} child JVMs
 * ({@link W2Child}) with {@code threads} worker threads each, and reports the total W2 steps per second (one
 * step = one free plus one allocation). Every worker owns its own 100,000 slots in the shared heap. One
 * process with one thread is the baseline; two processes and one process with two threads (sharing one
 * {@link MappedHeap}) are measured by the same code, so their ratios to the baseline are fair.
 *
 * <p>Timeline: every child fills its workers' live sets (untimed) and reports ready; the parent then starts them
 * all at once; each child warms up for {@code warmup} seconds, then counts its workers' steps over
 * {@code measure} seconds by its own clock, and keeps stepping until every child has measured. The parent sums
 * each child's steps / seconds. Afterwards it audits the heap ({@link SharedHeapAudit}) and deletes the run's
 * directory (the heap file, its lock file and the slot files). The whole run holds the machine's JMH lock
 * ({@link MachineLock}), so it waits for any JMH run on this machine and no JMH run starts during it.
 *
 * <p>Usage (the JVM flags Chronicle needs must be given to this JVM; every child gets this JVM's flags):
 * <pre>
 * java FLAGS -cp jmh/target/benchmarks.jar dev.mappedheap.jmh.multi.SharedHeapW2 \
 *      label=2proc processes=2 threads=1 warmup=5 measure=10 dir=/tmp
 * </pre>
 * Prints one line {@code RESULT label=… stepsPerSecond=… …}, exit status 0; on any failure, kills the children
 * and exits 1. {@code jmh/run-multiprocess-bench.sh} runs the three modes and tabulates them.
 */
public final class SharedHeapW2 {
    private final String label;
    private final int processes;
    private final int threads;
    private final long warmupSeconds;
    private final long measureSeconds;
    private final Path baseDir;
    private final boolean heapPerThread;

    private SharedHeapW2(Settings s) {
        this.label = s.text("label", "run");
        this.processes = (int) s.number("processes", 1);
        this.threads = (int) s.number("threads", 1);
        this.warmupSeconds = s.number("warmup", 5);
        this.measureSeconds = s.number("measure", 10);
        this.baseDir = Path.of(s.text("dir", System.getProperty("java.io.tmpdir")));
        this.heapPerThread = Boolean.parseBoolean(s.text("heapPerThread", "false"));
        if (processes < 1 || threads < 1 || warmupSeconds < 0 || measureSeconds < 1) {
            throw new IllegalArgumentException("need processes>=1 threads>=1 warmup>=0 measure>=1: processes="
                    + processes + " threads=" + threads + " warmup=" + warmupSeconds + " measure=" + measureSeconds);
        }
        if (BenchmarkSwitch.UNGUARDED && (processes > 1 || heapPerThread && threads > 1)) {
            // without the heap lock in the file, two processes (or two instances) would corrupt the heap
            throw new IllegalArgumentException("-Dmappedheap.benchmark.unguarded=true with processes=" + processes
                    + " heapPerThread=" + heapPerThread + ": the switch removes the lock between instances;"
                    + " use one process and one instance");
        }
    }

    /**
     * Runs one measurement; see the class comment.
     *
     * @param args {@code key=value}: label, processes, threads (per process), warmup and measure (seconds),
     *     dir (where the run's directory goes), heapPerThread ({@code true}: each thread opens its own
     *     MappedHeap instead of sharing its JVM's one)
     */
    public static void main(String[] args) {
        try {
            new SharedHeapW2(Settings.parse(args)).run();
        } catch (Exception e) {
            System.err.println("SharedHeapW2 failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    private void run() throws Exception {
        MachineLock machine = MachineLock.acquire();
        try {
            runAlone();
        } finally {
            machine.close();
        }
    }

    private void runAlone() throws Exception {
        Files.createDirectories(baseDir);
        Path dir = Files.createTempDirectory(baseDir, "shared-w2-");
        try {
            Path heapFile = dir.resolve("heap.mh");
            MappedHeap.create(heapFile, MappedHeapAllocator.OPTIONS).close();
            System.out.printf(Locale.ROOT, "# %s: processes=%d threads=%d heapPerThread=%b warmup=%ds measure=%ds unguarded=%b"
                    + " heap=%s%n", label, processes, threads, heapPerThread, warmupSeconds, measureSeconds,
                    BenchmarkSwitch.UNGUARDED, heapFile);
            double stepsPerSecond = measure(heapFile, dir);
            String audit = SharedHeapAudit.audit(heapFile, dir, processes * threads);
            System.out.printf(Locale.ROOT,
                    "RESULT label=%s processes=%d threads=%d heapPerThread=%b workers=%d stepsPerSecond=%.0f"
                            + " nsPerStepPerWorker=%.1f unguarded=%b %s%n",
                    label, processes, threads, heapPerThread, processes * threads, stepsPerSecond,
                    1e9 * processes * threads / stepsPerSecond, BenchmarkSwitch.UNGUARDED, audit);
        } finally {
            TempDirs.deleteTree(dir);
        }
    }

    /** Starts the children, runs the protocol of {@link W2Child} with them and sums their steps per second. */
    private double measure(Path heapFile, Path dir) throws Exception {
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int c = 0; c < processes; c++) {
                children.add(ChildJvm.start(c, heapFile, dir, c * threads, threads, warmupSeconds, measureSeconds,
                        heapPerThread));
            }
            for (ChildJvm child : children) {
                System.out.println("# ready: " + child.expect(W2Child.READY, 300));
            }
            for (ChildJvm child : children) {
                child.send(W2Child.GO);
            }
            double total = 0;
            long replyTimeout = warmupSeconds + measureSeconds + 120;
            for (ChildJvm child : children) {
                String measured = child.expect(W2Child.MEASURED, replyTimeout);
                System.out.println("# measured: " + measured);
                total += field(measured, "steps") * 1e9 / field(measured, "nanos");
            }
            for (ChildJvm child : children) {
                child.send(W2Child.STOP);
            }
            for (ChildJvm child : children) {
                System.out.println("# done: " + child.expect(W2Child.DONE, 120));
                child.awaitExit(60);
            }
            return total;
        } finally {
            for (ChildJvm child : children) {
                child.kill();
            }
        }
    }

    /** @return the number after {@code name=} in a {@code name=value ...} reply */
    private static long field(String reply, String name) {
        for (String part : reply.split(" ")) {
            if (part.startsWith(name + "=")) {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        throw new IllegalStateException("no " + name + "= in reply: " + reply);
    }

    /** The {@code key=value} arguments. */
    private record Settings(List<String> args) {
        static final Set<String> KEYS = Set.of("label", "processes", "threads", "warmup", "measure", "dir",
                "heapPerThread");

        static Settings parse(String[] args) {
            for (String a : args) {
                int eq = a.indexOf('=');
                if (eq <= 0 || !KEYS.contains(a.substring(0, eq))) {
                    throw new IllegalArgumentException("arguments are key=value with key one of " + KEYS + ", got: " + a);
                }
            }
            return new Settings(List.of(args));
        }

        String text(String key, String orElse) {
            String value = orElse;
            for (String a : args) {
                if (a.startsWith(key + "=")) {
                    value = a.substring(key.length() + 1);
                }
            }
            return value;
        }

        long number(String key, long orElse) {
            return Long.parseLong(text(key, Long.toString(orElse)));
        }
    }
}
