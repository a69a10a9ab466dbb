package dev.mappedheap.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill -9 torture: three child JVMs hammer one heap with allocate, free, reallocate and growth; again and
 * again one of them is killed with SIGKILL at a random moment (often while it holds the heap lock) and a
 * replacement is started. After every kill each survivor must keep making progress (it takes the lock over
 * from the dead process and rolls its operation back) and the heap's check must be clean. At the end the
 * survivors verify and free their blocks, and everything still allocated must be a block a killed child had
 * allocated: the leak, counted and reported.
 *
 * <p>{@code -Dmappedheap.torture.kills=N} (default 100, the full run is 500) and
 * {@code -Dmappedheap.torture.seed=S} (printed, to replay the kill schedule).
 */
class KillTortureTest {
    private static final int KILLS = Integer.getInteger("mappedheap.torture.kills", 100);
    private static final long SEED = Long.getLong("mappedheap.torture.seed", System.nanoTime());
    private static final int CHILDREN = 3;
    private static final long SURVIVOR_PROGRESS_MILLIS = 10_000;
    /** Blocks a child holds at most: all of them leak when it is killed, so few keep the file small. */
    private static final int MAX_LIVE = 48;
    /** Operations every child left at the end makes before it is stopped, so its final verification has blocks. */
    private static final long FINAL_OPS = 10_000;

    @TempDir Path dir;

    @Test
    void survivorsKeepWorkingAndTheHeapStaysConsistentAcrossKills() throws Exception {
        System.out.println("kill torture: seed=" + SEED + " kills=" + KILLS
                + " (replay with -Dmappedheap.torture.seed=" + SEED + ")");
        Random random = new Random(SEED);
        Path file = dir.resolve("torture.heap");
        MappedHeap.create(file, HeapOptions.defaults().initialSize(1 << 20).growthIncrement(1 << 20)).close();
        List<RunningChild> running = new ArrayList<>();
        Set<Long> killedOwners = new HashSet<>();
        Map<RunningChild, Long> owners = new HashMap<>();
        long nextOwner = 1;
        int killedHoldingLock = 0;
        long killedOps = 0;
        try (MappedHeap observer = MappedHeap.open(file)) {
            for (int i = 0; i < CHILDREN; i++) {
                running.add(startChurn(file, nextOwner++, random.nextLong(), owners));
            }
            for (int kill = 1; kill <= KILLS; kill++) {
                RunningChild victim = running.get(random.nextInt(running.size()));
                victim.awaitLine("ready", 60_000);
                assertThat(victim.awaitOpsAbove(0, 60_000)).as("%s starts working", victim).isTrue();
                Thread.sleep(random.nextInt(150));
                Map<RunningChild, Long> before = new HashMap<>();
                running.forEach(child -> before.put(child, child.ops()));
                victim.kill();
                if (observer.lockHolderPid() == victim.pid()) {
                    killedHoldingLock++;
                }
                killedOwners.add(owners.get(victim));
                killedOps += Math.max(0, victim.ops());
                running.remove(victim);
                assertThat(victim.output()).as("%s found no damaged block", victim).doesNotContain("CORRUPT");
                for (RunningChild survivor : running) {
                    if (before.get(survivor) >= 0) { // a child still starting up has nothing to show yet
                        assertThat(survivor.awaitOpsAbove(before.get(survivor), SURVIVOR_PROGRESS_MILLIS))
                                .as("survivor %s keeps working after kill %d (output %s)", survivor, kill,
                                        survivor.output()).isTrue();
                    }
                }
                CheckReport report = observer.check();
                assertThat(report.ok()).as("after kill %d: %s", kill, report).isTrue();
                running.add(startChurn(file, nextOwner++, random.nextLong(), owners));
            }
            long survivorOps = 0;
            for (RunningChild child : running) { // a replacement started by the last kills has work to verify too
                child.awaitLine("ready", 60_000);
                assertThat(child.awaitOpsAbove(FINAL_OPS, 60_000)).as("%s works before the end", child).isTrue();
            }
            for (RunningChild child : running) {
                child.send("stop");
            }
            for (RunningChild child : running) {
                assertThat(child.awaitExit(120)).as("%s: %s", child, child.output()).isZero();
                String done = child.awaitLine("done", 1000);
                System.out.println(child + ": " + done);
                survivorOps += MultiProcessStressTest.field(done, "ops");
            }
            CheckReport report = observer.check();
            HeapStats stats = observer.stats();
            long leakedBytes = 0;
            int leakedStamped = 0;
            for (long block : observer.livePayloads()) {
                leakedBytes += observer.usableSize(block);
                long stamp = observer.readLong(block);
                if ((stamp & 0xFFFF_0000_0000_0000L) == HeapWorker.STAMP_TAG) {
                    long owner = stamp & 0xFFFF_FFFFL;
                    assertThat(killedOwners).as("a leaked block stamped by owner %d, who was not killed", owner)
                            .contains(owner);
                    leakedStamped++;
                }
            }
            System.out.printf("kill torture: kills=%d (%d while holding the heap lock), operations=%d (survivors %d,"
                    + " killed at least %d), lock takeovers=%d, recoveries=%d, leaked=%d blocks (%d stamped by a"
                    + " killed child) %d bytes, capacity=%d, %s%n", KILLS, killedHoldingLock,
                    survivorOps + killedOps, survivorOps, killedOps, stats.lockTakeovers(), stats.recoveries(),
                    stats.liveBlocks(), leakedStamped, leakedBytes, stats.capacity(), report);
            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(killedHoldingLock).as("some kills hit a holder of the heap lock").isPositive();
            assertThat(stats.lockTakeovers()).as("each of those was taken over").isGreaterThanOrEqualTo(killedHoldingLock);
        } finally {
            running.forEach(RunningChild::close);
        }
    }

    private static RunningChild startChurn(Path file, long owner, long seed, Map<RunningChild, Long> owners)
            throws Exception {
        RunningChild child = RunningChild.start("churn-" + owner, ChildJvm.command(HeapWorker.class, "churn",
                file.toString(), "" + owner, "1", "" + seed, "0", "" + MAX_LIVE));
        owners.put(child, owner);
        return child;
    }
}
