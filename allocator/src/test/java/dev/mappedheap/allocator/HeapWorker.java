package dev.mappedheap.allocator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Child-JVM entry point for the multi-process tests: one process using a shared heap.
 *
 * <ul>
 *   <li>{@code churn FILE OWNER THREADS SEED MILLIS [MAXLIVE]}: threads (each holding at most MAXLIVE
 *       blocks, default 400) allocate random sizes (some large enough to
 *       grow the file), stamp each block with the owner id, a serial number and a pattern, verify a block
 *       before freeing or reallocating it, and print {@code ops N} every 50 ms. It stops after MILLIS ms (or,
 *       for MILLIS = 0, at a {@code stop} line on stdin), verifies and frees everything it holds, prints
 *       {@code done ...} and exits 0. A block found damaged prints {@code CORRUPT ...} and exits 2.</li>
 *   <li>{@code hold FILE MILLIS}: takes the heap lock inside an allocation, prints {@code holding PID}, keeps
 *       it MILLIS ms (forever for 0), prints {@code released T} (a {@link System#nanoTime()}) and exits.</li>
 *   <li>{@code wait FILE}: prints {@code waiting}, allocates (waiting for the lock), prints
 *       {@code acquired T} with T a {@link System#nanoTime()} taken right after, and exits.</li>
 * </ul>
 *
 * {@code System.nanoTime()} is CLOCK_MONOTONIC on Linux, the same clock in every process, so times printed
 * by different children can be compared.
 */
final class HeapWorker {
    /** High bits of a block's first word: marks a stamp, so a leftover value is not mistaken for one. */
    static final long STAMP_TAG = 0x5EED_0000_0000_0000L;
    static final int CORRUPT_EXIT = 2;
    private static final int DEFAULT_MAX_LIVE = 400;

    private HeapWorker() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "churn" -> churn(Path.of(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]),
                    Long.parseLong(args[4]), Long.parseLong(args[5]),
                    args.length > 6 ? Integer.parseInt(args[6]) : DEFAULT_MAX_LIVE);
            case "hold" -> hold(Path.of(args[1]), Long.parseLong(args[2]));
            case "wait" -> waitForLock(Path.of(args[1]));
            default -> throw new IllegalArgumentException("unknown mode: " + args[0]);
        }
    }

    // ---------------------------------------------------------------- churn

    private static void churn(Path file, long owner, int threads, long seed, long millis, int maxLive)
            throws Exception {
        AtomicLong ops = new AtomicLong();
        long deadline = millis > 0 ? System.nanoTime() + millis * 1_000_000 : Long.MAX_VALUE;
        boolean[] stop = {false};
        try (MappedHeap heap = MappedHeap.open(file)) {
            System.out.println("ready " + ProcessHandle.current().pid());
            if (millis == 0) {
                Thread stdin = new Thread(() -> awaitStopLine(stop), "stdin");
                stdin.setDaemon(true);
                stdin.start();
            }
            Thread progress = new Thread(() -> reportProgress(ops), "progress");
            progress.setDaemon(true);
            progress.start();
            List<Thread> workers = new ArrayList<>();
            long[] verified = new long[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread worker = new Thread(() -> verified[id] = churnThread(heap, owner, id, seed, deadline, stop, ops,
                        maxLive),
                        "churn-" + t);
                workers.add(worker);
                worker.start();
            }
            long total = 0;
            for (int t = 0; t < threads; t++) {
                workers.get(t).join();
                total += verified[t];
            }
            System.out.println("done owner=" + owner + " ops=" + ops.get() + " verified=" + total + " capacity="
                    + heap.stats().capacity());
        }
        System.out.flush();
        System.exit(0);
    }

    private static void awaitStopLine(boolean[] stop) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && !line.equals("stop")) {
                // ignore anything else
            }
        } catch (IOException ignored) {
            // a closed stdin means stop too
        }
        synchronized (stop) {
            stop[0] = true;
        }
    }

    private static boolean stopped(boolean[] stop, long deadline) {
        synchronized (stop) {
            return stop[0] || System.nanoTime() - deadline >= 0;
        }
    }

    private static void reportProgress(AtomicLong ops) {
        while (true) {
            System.out.println("ops " + ops.get());
            System.out.flush();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** @return blocks verified */
    private static long churnThread(MappedHeap heap, long owner, int thread, long seed, long deadline,
            boolean[] stop, AtomicLong ops, int maxLive) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003 + owner * 31 + thread);
        List<long[]> live = new ArrayList<>(); // {offset, serial, size}
        long serial = (owner << 40) | ((long) thread << 32);
        long verified = 0;
        while (!stopped(stop, deadline)) {
            int roll = random.nextInt(100);
            if (live.isEmpty() || (roll < 45 && live.size() < maxLive)) {
                long size = randomSize(random);
                long offset = heap.allocate(size);
                long[] block = {offset, ++serial, size};
                stamp(heap, owner, block);
                live.add(block);
            } else if (roll < 85 || live.size() >= maxLive) {
                long[] block = live.remove(random.nextInt(live.size()));
                verify(heap, owner, block);
                verified++;
                heap.writeLong(block[0], 0); // no stale stamp in freed space
                heap.free(block[0]);
            } else {
                int index = random.nextInt(live.size());
                long[] block = live.get(index);
                verify(heap, owner, block);
                verified++;
                long newSize = randomSize(random);
                long moved = heap.reallocate(block[0], newSize);
                long[] kept = {moved, block[1], block[2]};
                verifyPrefix(heap, owner, kept, Math.min(block[2], newSize));
                long[] resized = {moved, ++serial, newSize};
                stamp(heap, owner, resized);
                live.set(index, resized);
            }
            ops.incrementAndGet();
        }
        for (long[] block : live) {
            verify(heap, owner, block);
            verified++;
            heap.writeLong(block[0], 0);
            heap.free(block[0]);
        }
        return verified;
    }

    /** Mostly small blocks, some medium, a few large enough that the file has to grow. */
    private static long randomSize(SplittableRandom random) {
        int kind = random.nextInt(100);
        if (kind < 70) {
            return 24 + random.nextInt(500);
        }
        if (kind < 97) {
            return 512 + random.nextInt(16 << 10);
        }
        return (64 << 10) + random.nextInt(512 << 10);
    }

    /** Words written: the tag and owner, the serial, the size, a pattern to 256 bytes, and the last word. */
    static void stamp(MappedHeap heap, long owner, long[] block) {
        long offset = block[0];
        long size = block[2];
        heap.writeLong(offset + 8, block[1]);
        heap.writeLong(offset + 16, size);
        for (long i = 24; i + 8 <= Math.min(size, 256); i += 8) {
            heap.writeLong(offset + i, pattern(block[1], i));
        }
        if (size >= 264) {
            heap.writeLong(offset + (size & ~7L) - 8, pattern(block[1], -1));
        }
        heap.writeLong(offset, STAMP_TAG | owner); // last: a block with a tag is completely stamped
    }

    static long pattern(long serial, long index) {
        long z = serial * 0x9E3779B97F4A7C15L + index;
        z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 29);
    }

    private static void verify(MappedHeap heap, long owner, long[] block) {
        verifyPrefix(heap, owner, block, block[2]);
    }

    /** Checks the stamp of {@code block} on its first {@code length} bytes (after a resize: what was kept). */
    private static void verifyPrefix(MappedHeap heap, long owner, long[] block, long length) {
        long offset = block[0];
        expect(heap, offset, 0, STAMP_TAG | owner, block);
        expect(heap, offset, 8, block[1], block);
        if (length >= 24) {
            expect(heap, offset, 16, block[2], block);
        }
        for (long i = 24; i + 8 <= Math.min(length, 256); i += 8) {
            expect(heap, offset, i, pattern(block[1], i), block);
        }
        if (length == block[2] && length >= 264) {
            expect(heap, offset, (length & ~7L) - 8, pattern(block[1], -1), block);
        }
    }

    private static void expect(MappedHeap heap, long offset, long at, long expected, long[] block) {
        long found = heap.readLong(offset + at);
        if (found != expected) {
            System.out.println("CORRUPT block=" + offset + " serial=" + block[1] + " size=" + block[2] + " word="
                    + at + " expected=0x" + Long.toHexString(expected) + " found=0x" + Long.toHexString(found));
            System.out.flush();
            Runtime.getRuntime().halt(CORRUPT_EXIT);
        }
    }

    // ---------------------------------------------------------------- lock holder and waiter

    private static void hold(Path file, long millis) {
        try (MappedHeap heap = MappedHeap.open(file)) {
            boolean[] held = {false};
            heap.journal().crashHook(write -> {
                if (!held[0]) {
                    held[0] = true;
                    System.out.println("holding " + ProcessHandle.current().pid());
                    System.out.flush();
                    sleep(millis == 0 ? Long.MAX_VALUE : millis);
                }
            });
            long block = heap.allocate(100);
            System.out.println("released " + System.nanoTime() + " block=" + block);
            heap.journal().crashHook(null);
        }
        System.out.flush();
        System.exit(0);
    }

    private static void waitForLock(Path file) {
        System.out.println("waiting"); // open takes the heap lock too, so it may be the call that waits
        System.out.flush();
        try (MappedHeap heap = MappedHeap.open(file)) {
            long block = heap.allocate(100);
            long acquired = System.nanoTime();
            System.out.println("acquired " + acquired + " block=" + block + " takeovers="
                    + heap.stats().lockTakeovers());
        }
        System.out.flush();
        System.exit(0);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
