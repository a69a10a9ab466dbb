// Benchmark layer: the child JVM of a shared-heap W2 run; its workers step on a heap other JVMs share.
package dev.mappedheap.jmh.multi;

import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.jmh.alloc.MappedHeapAllocator;
import dev.mappedheap.jmh.alloc.SplitMix64;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One child JVM of {@link SharedHeapW2}. Opens the heap the parent created, starts its {@link W2Worker}s (each
 * fills its own 100,000 blocks), then talks to the parent in lines, its answers on stdout prefixed with
 * {@value #PREFIX}:
 *
 * <ol>
 *   <li>child: {@code READY fillNanos=…} once every worker has filled; parent (stdin): {@code GO} when every
 *       child is ready, so all of them start stepping together;
 *   <li>the child steps for the warm-up time, samples its workers' step counts, steps for the measured time,
 *       samples again and reports {@code MEASURED steps=… nanos=… perWorker=…}. Its workers keep stepping,
 *       uncounted, so every child's window is under the full load of the others until the last one has
 *       measured;
 *   <li>parent: {@code STOP}; the child stops and joins its workers, writes their handles ({@link SlotFile}),
 *       reports {@code DONE …}, closes the heap and exits 0.
 * </ol>
 *
 * <p>On any failure it prints {@code FAILED …} and halts at once without closing the heap, as a crashed process
 * would (a worker may still be inside the heap; the heap's lock survives the death of its holder). End of input
 * on stdin means the parent is gone: the child fails the same way, so no child outlives its parent.
 *
 * <p>Arguments: {@code HEAP_FILE OUT_DIR FIRST_WORKER THREADS WARMUP_SECONDS MEASURE_SECONDS HEAP_PER_THREAD}.
 * Worker {@code i} of this JVM is worker {@code FIRST_WORKER + i} of the run and seeds its PRNG with
 * {@link SplitMix64#SEED} {@code + FIRST_WORKER + i}. The workers share one {@link MappedHeap} instance, or,
 * with {@code HEAP_PER_THREAD} {@code true}, each opens its own.
 */
public final class W2Child {
    /** Starts every line meant for the parent; other output (a library's warning) passes through. */
    static final String PREFIX = "W2CHILD ";
    static final String READY = "READY";
    static final String GO = "GO";
    static final String MEASURED = "MEASURED";
    static final String STOP = "STOP";
    static final String DONE = "DONE";
    static final String FAILED = "FAILED";

    private final BufferedReader parent =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    private W2Child() {}

    /**
     * Runs the child; see the class comment for the arguments and the protocol.
     *
     * @param args {@code HEAP_FILE OUT_DIR FIRST_WORKER THREADS WARMUP_SECONDS MEASURE_SECONDS HEAP_PER_THREAD}
     */
    public static void main(String[] args) {
        try {
            if (args.length != 7) {
                throw new IllegalArgumentException("usage: W2Child HEAP_FILE OUT_DIR FIRST_WORKER THREADS"
                        + " WARMUP_SECONDS MEASURE_SECONDS HEAP_PER_THREAD");
            }
            new W2Child().run(Path.of(args[0]), Path.of(args[1]), Integer.parseInt(args[2]),
                    Integer.parseInt(args[3]), TimeUnit.SECONDS.toNanos(Long.parseLong(args[4])),
                    TimeUnit.SECONDS.toNanos(Long.parseLong(args[5])), Boolean.parseBoolean(args[6]));
        } catch (Throwable t) {
            say(FAILED + " " + t.toString().replace('\n', ' '));
            t.printStackTrace();
            System.out.flush();
            System.err.flush();
            // no close: a worker may be inside the heap, and unmapping under it could crash the JVM
            Runtime.getRuntime().halt(1);
        }
    }

    private void run(Path heapFile, Path outDir, int firstWorker, int threads, long warmupNanos,
            long measureNanos, boolean heapPerThread) throws Exception {
        // one instance for all threads (they queue on its ReentrantLock first), or one each (they meet only
        // at the heap lock in the file, as processes do)
        MappedHeap[] heaps = new MappedHeap[heapPerThread ? threads : 1];
        for (int i = 0; i < heaps.length; i++) {
            heaps[i] = MappedHeap.open(heapFile);
        }
        AtomicLongArray progress = new AtomicLongArray(threads * W2Worker.STRIDE);
        CountDownLatch filled = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        W2Worker[] workers = new W2Worker[threads];
        Thread[] running = new Thread[threads];
        long fillStart = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            workers[i] = new W2Worker(MappedHeapAllocator.wrapping(heaps[i % heaps.length]),
                    SplitMix64.SEED + firstWorker + i,
                    progress, i, filled, go);
            running[i] = new Thread(workers[i], "w2-worker-" + (firstWorker + i));
            running[i].setDaemon(true);
            running[i].start();
        }
        filled.await();
        long fillNanos = System.nanoTime() - fillStart;
        checkWorkers(workers);
        say(READY + " fillNanos=" + fillNanos);

        expect(GO);
        go.countDown();
        long start = System.nanoTime();
        sleepUntil(start + warmupNanos);
        long[] before = sample(progress, threads);
        long from = System.nanoTime();
        sleepUntil(from + measureNanos);
        long[] after = sample(progress, threads);
        long to = System.nanoTime();
        checkWorkers(workers);
        long steps = 0;
        StringJoiner perWorker = new StringJoiner(",");
        for (int i = 0; i < threads; i++) {
            steps += after[i] - before[i];
            perWorker.add(Long.toString(after[i] - before[i]));
        }
        say(MEASURED + " steps=" + steps + " nanos=" + (to - from) + " perWorker=" + perWorker);

        expect(STOP);
        for (W2Worker w : workers) {
            w.stop();
        }
        for (Thread t : running) {
            t.join();
        }
        checkWorkers(workers);
        long liveBytes = 0;
        long sink = 0;
        for (int i = 0; i < threads; i++) {
            SlotFile.write(outDir, firstWorker + i, workers[i].handles());
            liveBytes += workers[i].liveBytes();
            sink ^= workers[i].sink();
        }
        long totalSteps = 0;
        for (long s : sample(progress, threads)) {
            totalSteps += s;
        }
        for (MappedHeap heap : heaps) {
            heap.close();
        }
        say(DONE + " totalSteps=" + totalSteps + " liveBytes=" + liveBytes + " sink=" + sink);
    }

    private static long[] sample(AtomicLongArray progress, int threads) {
        long[] counts = new long[threads];
        for (int i = 0; i < threads; i++) {
            counts[i] = progress.get(i * W2Worker.STRIDE);
        }
        return counts;
    }

    private static void checkWorkers(W2Worker[] workers) {
        for (W2Worker w : workers) {
            Throwable t = w.failure();
            if (t != null) {
                throw new IllegalStateException("a worker failed: " + t, t);
            }
        }
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** Waits for the parent's next line, which must be {@code word}. */
    private void expect(String word) throws IOException {
        String line = parent.readLine();
        if (line == null) {
            throw new IOException("the parent closed stdin while the child waited for " + word);
        }
        if (!line.equals(word)) {
            throw new IOException("expected " + word + " from the parent, got: " + line);
        }
    }

    private static void say(String message) {
        System.out.println(PREFIX + message);
        System.out.flush();
    }
}
