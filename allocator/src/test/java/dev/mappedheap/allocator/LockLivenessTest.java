package dev.mappedheap.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether the heap lock's holder is alive is decided by the kernel's file lock on its slot, never by the
 * pid: a waiter proceeds within a second of the holder's death, also when the dead holder is still a
 * zombie, and never while a live holder is merely slow or stopped.
 */
class LockLivenessTest {
    private static final long ONE_SECOND = TimeUnit.SECONDS.toNanos(1);

    @TempDir Path dir;

    @Test
    void aWaiterProceedsWithinOneSecondOfTheHoldersKill() throws Exception {
        Path file = newHeap();
        try (RunningChild holder = start("holder", "hold", file.toString(), "0");
                RunningChild waiter = startWaiterBehind(holder, file)) {
            long killed = System.nanoTime();
            holder.kill();
            long acquired = MultiProcessStressTest.field(waiter.awaitLine("acquired", 10_000).replace("acquired ",
                    "at="), "at");
            System.out.printf("lock liveness: waiter proceeded %.1f ms after the holder's kill%n",
                    (acquired - killed) / 1e6);
            assertThat(acquired - killed).as("waiter proceeds within one second").isLessThan(ONE_SECOND);
            assertThat(waiter.awaitExit(30)).isZero();
        }
        assertConsistentAfterTakeover(file);
    }

    @Test
    void aZombieHolderCountsAsDead() throws Exception {
        Path file = newHeap();
        // the holder's parent becomes `sleep`, which never reaps it: once killed it stays a zombie
        List<String> command = new ArrayList<>(List.of("sh", "-c", "\"$@\" & exec sleep 60", "zombie-maker"));
        command.addAll(ChildJvm.command(HeapWorker.class, "hold", file.toString(), "0"));
        long pid = -1;
        try (RunningChild parentOfHolder = RunningChild.start("sleep", command)) {
            pid = Long.parseLong(parentOfHolder.awaitLine("holding", 60_000).substring("holding ".length()));
            try (RunningChild waiter = start("waiter", "wait", file.toString())) {
                waiter.awaitLine("waiting", 60_000);
                assertThat(waiter.printed("acquired")).as("the holder is alive: the waiter waits").isFalse();
                long killed = System.nanoTime();
                ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                String acquiredLine = waiter.awaitLine("acquired", 10_000);
                long acquired = MultiProcessStressTest.field(acquiredLine.replace("acquired ", "at="), "at");
                String state = processState(pid);
                System.out.printf("lock liveness: waiter proceeded %.1f ms after the kill; holder state then: %s%n",
                        (acquired - killed) / 1e6, state);
                assertThat(state).as("the killed holder is a zombie, not yet reaped").isEqualTo("Z");
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                        .as("a zombie still looks alive by pid").contains(true);
                assertThat(acquired - killed).isLessThan(ONE_SECOND);
                assertThat(waiter.awaitExit(30)).isZero();
            }
        } finally {
            if (pid > 0) { // if anything failed before the kill, the holder (not a child of ours) must not linger
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        assertConsistentAfterTakeover(file);
    }

    @Test
    void aSlowOrStoppedHolderIsNeverJudgedDead() throws Exception {
        Path file = newHeap();
        try (RunningChild holder = start("holder", "hold", file.toString(), "3000");
                RunningChild waiter = startWaiterBehind(holder, file)) {
            ProcessHandle stopped = ProcessHandle.of(holder.pid()).orElseThrow();
            signal("STOP", holder.pid()); // stopped holds its locks like any live process
            Thread.sleep(1500);
            assertThat(waiter.printed("acquired")).as("a stopped holder is not dead").isFalse();
            signal("CONT", holder.pid());
            assertThat(holder.awaitExit(30)).as(holder.output()).isZero();
            assertThat(waiter.awaitExit(30)).as(waiter.output()).isZero();
            long released = MultiProcessStressTest.field(holder.awaitLine("released", 1000).replace("released ",
                    "at="), "at");
            long acquired = MultiProcessStressTest.field(waiter.awaitLine("acquired", 1000).replace("acquired ",
                    "at="), "at");
            assertThat(acquired).as("the waiter got the lock only after the holder released it").isGreaterThan(released);
            assertThat(waiter.awaitLine("acquired", 1000)).contains("takeovers=0");
            assertThat(stopped.isAlive()).isFalse();
        }
        try (MappedHeap heap = MappedHeap.open(file)) {
            assertThat(heap.check().ok()).isTrue();
            assertThat(heap.stats().liveBlocks()).as("both allocations committed").isEqualTo(2);
            assertThat(heap.stats().lockTakeovers()).isZero();
        }
    }

    private Path newHeap() {
        Path file = dir.resolve("lock.heap");
        MappedHeap.create(file, HeapOptions.defaults()).close();
        return file;
    }

    private static RunningChild start(String name, String... args) throws Exception {
        return RunningChild.start(name, ChildJvm.command(HeapWorker.class, args));
    }

    /** Starts a waiter once {@code holder} holds the lock, and checks that it is really waiting. */
    private static RunningChild startWaiterBehind(RunningChild holder, Path file) throws Exception {
        holder.awaitLine("holding", 60_000);
        RunningChild waiter = start("waiter", "wait", file.toString());
        waiter.awaitLine("waiting", 60_000);
        Thread.sleep(300);
        assertThat(waiter.printed("acquired")).as("the holder is alive: the waiter waits").isFalse();
        return waiter;
    }

    /** The killed holder's allocation was rolled back; the waiter's committed. */
    private static void assertConsistentAfterTakeover(Path file) {
        try (MappedHeap heap = MappedHeap.open(file)) {
            assertThat(heap.check().ok()).isTrue();
            assertThat(heap.stats().liveBlocks()).isEqualTo(1);
            assertThat(heap.stats().lockTakeovers()).isEqualTo(1);
            assertThat(heap.stats().recoveries()).isEqualTo(1);
        }
    }

    private static String processState(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, "" + pid).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }
}
