package dev.mappedheap.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regressions from an independent review of the inter-process lock: a thread's interrupt must not close the
 * lock file's channel (which drops every slot lock of the JVM, so live instances look dead) nor the heap
 * file's; a heap opened through a symbolic link must use the same lock file; close() racing lock-free calls
 * must not crash the JVM.
 */
class LockRobustnessTest {
    @TempDir Path dir;


    @Test
    void anInterruptedWaiterMustNotMakeThisJvmsInstancesLookDead() throws Exception {
        Path file = dir.resolve("interrupt.heap");
        MappedHeap.create(file, HeapOptions.defaults()).close();
        try (MappedHeap mine = MappedHeap.open(file)) {
            // 1. another process holds the heap lock for 3 s
            try (RunningChild other = RunningChild.start("holder",
                    ChildJvm.command(HeapWorker.class, "hold", file.toString(), "3000"))) {
                other.awaitLine("holding", 60_000);
                // 2. a thread of this JVM waits for it and is interrupted (Future.cancel(true), shutdownNow, ...)
                AtomicReference<Throwable> waitFailure = new AtomicReference<>();
                Thread waiter = new Thread(() -> {
                    Thread.currentThread().interrupt();
                    try {
                        mine.allocate(10);
                    } catch (Throwable t) {
                        waitFailure.set(t);
                    }
                });
                waiter.start();
                waiter.join();
                System.out.println("interrupted wait ended with: " + waitFailure.get()
                        + (waitFailure.get() != null ? " cause=" + waitFailure.get().getCause() : ""));
                assertThat(other.awaitExit(30)).isZero();
            }
            // 3. this JVM's live instance takes the heap lock and is busy inside an operation
            HeldOperation held = HeldOperation.start(mine);
            // 4. a process that waits for it must wait: the holder is alive
            boolean tookOver;
            try (RunningChild waiter = RunningChild.start("waiter",
                    ChildJvm.command(HeapWorker.class, "wait", file.toString()))) {
                waiter.awaitLine("waiting", 60_000);
                Thread.sleep(3000);
                tookOver = waiter.printed("acquired");
                System.out.println("waiter: " + waiter.output());
                held.finish();
                waiter.awaitExit(30);
            }
            System.out.println("the live holder's allocate ended with: " + held.failure.get());
            assertThat(tookOver).as("a live instance, in the middle of an operation, was taken over").isFalse();
            assertThat(held.failure.get()).as("the holder's operation completes").isNull();
        }
    }


    /** The lock file is NAME.lock beside the *path given*, so a symlink (or hard link) gets its own lock file. */
    @Test
    void aHeapOpenedThroughASymlinkMustNotTakeOverALiveHolder() throws Exception {
        Path file = dir.resolve("real.heap");
        MappedHeap.create(file, HeapOptions.defaults()).close();
        Path other = Files.createDirectory(dir.resolve("elsewhere"));
        Path link = Files.createSymbolicLink(other.resolve("link.heap"), file);
        try (MappedHeap a = MappedHeap.open(file); MappedHeap b = MappedHeap.open(link)) {
            HeldOperation held = HeldOperation.start(a);
            Thread waiter = new Thread(() -> b.allocate(100));
            waiter.start();
            waiter.join(2000);
            boolean bFinished = !waiter.isAlive();
            held.finish();
            waiter.join();
            System.out.println("lock files: " + Files.exists(dir.resolve("real.heap.lock")) + " "
                    + Files.exists(other.resolve("link.heap.lock")) + "; holder's op ended with " + held.failure.get());
            assertThat(bFinished).as("b took the heap lock while a, alive, held it").isFalse();
            assertThat(held.failure.get()).as("the holder's operation completes").isNull();
        }
    }

    /** An interrupted thread that follows growth closes the heap's data channel: sync and growth then fail forever. */
    @Test
    void anInterruptedRawReadMustNotBreakTheInstance() throws Exception {
        Path file = dir.resolve("grow.heap");
        HeapOptions options = HeapOptions.defaults().initialSize(128 << 10).growthIncrement(64 << 10);
        try (MappedHeap grower = MappedHeap.create(file, options); MappedHeap reader = MappedHeap.open(file)) {
            long far = 0;
            for (int i = 0; i < 40; i++) {
                far = grower.allocate(100_000);
            }
            long target = far;
            Thread t = new Thread(() -> {
                Thread.currentThread().interrupt();
                try {
                    reader.readLong(target);
                } catch (RuntimeException e) {
                    System.out.println("interrupted read: " + e);
                }
            });
            t.start();
            t.join();
            AtomicReference<Throwable> syncFailure = new AtomicReference<>();
            try {
                reader.sync();
            } catch (Throwable e) {
                syncFailure.set(e);
            }
            System.out.println("sync afterwards: " + syncFailure.get());
            assertThat(syncFailure.get()).isNull();
        }
    }

    /** Child JVM: closes heaps while a thread keeps calling the lock-free usableSize on them. */
    static final class CloseRace {
        private CloseRace() {}

        public static void main(String[] args) throws Exception {
            Path file = Path.of(args[0]);
            for (int round = 0; round < 200; round++) {
                java.nio.file.Files.deleteIfExists(file);
                MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults());
                long block = heap.allocate(100);
                Thread reader = new Thread(() -> {
                    try {
                        while (true) {
                            heap.usableSize(block);
                        }
                    } catch (RuntimeException closed) {
                        // IllegalStateException / InvalidOffsetException after close: the acceptable outcome
                    }
                });
                reader.start();
                Thread.sleep(5);
                heap.close();
                reader.join();
            }
            System.out.println("survived");
        }
    }

    @Test
    void closeRacingUsableSizeMustNotCrashTheJvm() throws Exception {
        ChildJvm.Result result = ChildJvm.run(ChildJvm.command(CloseRace.class,
                dir.resolve("race.heap").toString()));
        System.out.println("exit=" + result.exitCode() + " output=" + result.output().lines().limit(8).toList());
        assertThat(result.exitCode()).isZero();
    }

    /** An allocation stopped inside the heap lock (after its first journaled write) until {@link #finish}. */
    private static final class HeldOperation {
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch go = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread;

        static HeldOperation start(MappedHeap heap) throws InterruptedException {
            HeldOperation held = new HeldOperation();
            heap.journal().crashHook(write -> {
                if (write == 0) {
                    held.holding.countDown();
                    try {
                        held.go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            held.thread = new Thread(() -> {
                try {
                    heap.allocate(100);
                } catch (Throwable t) {
                    held.failure.set(t);
                }
            });
            held.thread.start();
            held.holding.await();
            return held;
        }

        void finish() throws InterruptedException {
            go.countDown();
            thread.join();
        }
    }
}
