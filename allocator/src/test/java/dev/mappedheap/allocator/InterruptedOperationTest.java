package dev.mappedheap.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.journal.SimulatedCrash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every operation stopped between any two of its journaled metadata writes, or after the last one but before
 * the commit store (a test hook throws {@link SimulatedCrash} before write k, for k = 0, 1, 2, ... until the
 * operation completes), is rolled back by
 * the next {@code open}: the check is clean, the usage figures and every live block's contents are as before
 * the operation, and the heap then behaves exactly like one where the operation never started.
 */
class InterruptedOperationTest {
    @TempDir Path dir;
    /** Where the scenario's filler block holds a link to another live block. */
    private static final long LINK = 512;

    /**
     * A heap in a known state: live blocks with their contents, two free blocks in the tree (20 KiB and 30 KiB),
     * two on exact-size lists (64 and 80 bytes), one live block whose two neighbours are both free, and 64 KiB
     * left in the top.
     */
    private record Scenario(Path file, List<Long> live) {}

    private Scenario build(String name) {
        Path file = dir.resolve(name + ".base");
        List<Long> live = new ArrayList<>();
        try (MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults().initialSize(512 << 10)
                .growthIncrement(64 << 10))) {
            long[] sizes = {40, 20_000, 64, 64, 9000, 3000, 64, 30_000, 5000, 200, 48, 1500};
            List<Long> all = new ArrayList<>();
            for (long size : sizes) {
                all.add(heap.allocate(size));
            }
            for (int i = 0; i < all.size(); i++) {
                if (i == 1 || i == 3 || i == 7 || i == 10) {
                    heap.free(all.get(i));
                } else {
                    live.add(all.get(i)); // live: blocks 0, 2, 4, 5, 6, 8, 9, 11, then the filler
                }
            }
            for (long off : live) {
                fill(heap, off);
            }
            long filler = heap.allocate(heap.stats().topBytes() - 16 - (64 << 10));
            live.add(filler);
            fill(heap, filler);
            heap.writeLong(filler + LINK, live.get(5)); // a link for freeFrom to follow, past what fill writes
            heap.setRoot(live.get(0));
            CheckReport report = heap.check();
            assertThat(report.ok()).isTrue();
            assertThat(report.treeNodes()).as("the scenario has free blocks in the tree").isEqualTo(2);
            assertThat(report.freeListBlocks()).as("and on the exact-size lists").isEqualTo(2);
        }
        return new Scenario(file, live);
    }

    private static void fill(MappedHeap heap, long off) {
        long words = Math.min(heap.usableSize(off), 256) / 8;
        for (long i = 0; i < words; i++) {
            heap.writeLong(off + 8 * i, off * 31 + i);
        }
    }

    private static void verifyContents(MappedHeap heap, List<Long> live) {
        for (long off : live) {
            long words = Math.min(heap.usableSize(off), 256) / 8;
            for (long i = 0; i < words; i++) {
                assertThat(heap.readLong(off + 8 * i)).as("block %d word %d", off, i).isEqualTo(off * 31 + i);
            }
        }
    }

    static Stream<Arguments> operations() {
        return Stream.of(
                op("allocate from an exact-size list", s -> h -> h.allocate(40)),
                op("allocate from the tree with a split", s -> h -> h.allocate(5000)),
                op("allocate from the top", s -> h -> h.allocate(40_000)),
                op("allocate that grows the file", s -> h -> h.allocate(200_000)),
                op("free merging both neighbours (tree and list)", s -> h -> {
                    h.free(s.live().get(1));
                    return 0;
                }),
                op("free next to the top", s -> h -> {
                    h.free(s.live().get(s.live().size() - 1));
                    return 0;
                }),
                op("reallocate shrinking", s -> h -> h.reallocate(s.live().get(3), 100)),
                op("reallocate into the free next block (a tree block)", s -> h -> h.reallocate(s.live().get(0), 70)),
                op("reallocate moving", s -> h -> h.reallocate(s.live().get(2), 50_000)),
                // the copy overwrites the tree node's links in the new block: a rollback must restore them
                op("reallocate moving into a tree block", s -> h -> h.reallocate(s.live().get(3), 15_000)),
                op("reallocate at the top, growing the file", s -> h -> h.reallocate(
                        s.live().get(s.live().size() - 1), 400_000)),
                op("allocateInto: allocate and link in one step", s -> h -> h.allocateInto(
                        s.live().get(s.live().size() - 1), LINK + 8, 40)),
                // the whole 30,000-byte tree block, zeroed: its tree links and footer must come back on rollback
                op("allocateInto reusing a tree block whole", s -> h -> h.allocateInto(
                        s.live().get(s.live().size() - 1), LINK + 8, 30_000)),
                op("freeFrom: free and clear the link in one step", s -> h -> h.freeFrom(
                        s.live().get(s.live().size() - 1), LINK)),
                op("setRoot", s -> h -> {
                    h.setRoot(s.live().get(3));
                    return 0;
                }));
    }

    private static Arguments op(String name, java.util.function.Function<Scenario, ToLongFunction<MappedHeap>> op) {
        return Arguments.of(name, op);
    }

    /** The operations again, with their index in {@link #operations()}, by which a child JVM finds one. */
    static Stream<Arguments> operationIndexes() {
        List<Arguments> all = operations().toList();
        return java.util.stream.IntStream.range(0, all.size()).mapToObj(i -> Arguments.of(all.get(i).get()[0], i));
    }

    @SuppressWarnings("unchecked")
    private static java.util.function.Function<Scenario, ToLongFunction<MappedHeap>> operation(int index) {
        return (java.util.function.Function<Scenario, ToLongFunction<MappedHeap>>) operations().toList().get(index)
                .get()[1];
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void everyInterruptionPointRollsBack(String name, java.util.function.Function<Scenario, ToLongFunction<MappedHeap>> op)
            throws IOException {
        Scenario scenario = build("s");
        Baseline before = baseline(scenario);

        int crashPoints = 0;
        for (int k = 0; ; k++) {
            Path copy = copy(scenario.file(), "k" + k);
            boolean crashed;
            try (MappedHeap heap = MappedHeap.open(copy)) {
                int crashAt = k;
                heap.journal().crashHook(write -> {
                    if (write == crashAt) {
                        throw new SimulatedCrash(write);
                    }
                });
                crashed = crashes(() -> op.apply(scenario).applyAsLong(heap));
                if (crashed) {
                    assertThatThrownBy(heap::stats).as("a crashed handle refuses further use")
                            .isInstanceOf(HeapException.class);
                }
            }
            if (!crashed) {
                break; // the operation completed before reaching write k: every point was covered
            }
            crashPoints++;
            try (MappedHeap heap = MappedHeap.open(copy)) {
                // the hook runs after the write's journal entry is appended, so there is always one to undo
                assertThat(heap.recoveredWrites()).as("%s, crash at write %d", name, k).isGreaterThan(0);
                // the crashed handle died holding the heap lock: the open found it dead and took over
                assertThat(heap.stats().lockTakeovers()).as("%s, crash at write %d", name, k)
                        .isEqualTo(before.stats().lockTakeovers() + 1);
            }
            assertAsBefore(copy, before, scenario, name + ", crash at write " + k);
        }
        assertThat(crashPoints).as("%s has journaled writes to interrupt", name).isGreaterThan(0);
        System.out.println("crash points (each journaled write, and the commit): " + name + ": " + crashPoints);
    }

    /**
     * A crash during recovery itself (SQLite's compound failure): the operation is crashed after its last
     * journaled write, just before the commit, so recovery has every entry to undo; recovery is then crashed
     * before each of its restores in turn, and a second recovery must still give the heap as it was before
     * the operation.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void aCrashDuringRecoveryIsRecoveredByTheNextOpen(String name,
            java.util.function.Function<Scenario, ToLongFunction<MappedHeap>> op) throws IOException {
        Scenario scenario = build("r");
        Baseline before = baseline(scenario);
        int writes = countWrites(scenario, op);
        Path crashed = copy(scenario.file(), "crashed");
        try (MappedHeap heap = MappedHeap.open(crashed)) {
            heap.journal().crashHook(write -> {
                if (write == writes) { // the commit's crash point: every word written, none committed
                    throw new SimulatedCrash(write);
                }
            });
            assertThat(crashes(() -> op.apply(scenario).applyAsLong(heap))).isTrue();
        }
        int restores;
        try (MappedHeap probe = MappedHeap.open(copy(crashed, "probe"))) {
            restores = probe.recoveredWrites();
        }
        assertThat(restores).as("%s leaves entries to restore", name).isGreaterThan(0);
        for (int j = 0; j < restores; j++) {
            Path copy = copy(crashed, "j" + j);
            int crashAt = j;
            assertThatThrownBy(() -> MappedHeap.openWithRecoveryHook(copy, restore -> {
                        if (restore == crashAt) {
                            throw new SimulatedCrash(restore);
                        }
                    }))
                    .isInstanceOf(SimulatedCrash.class);
            assertAsBefore(copy, before, scenario, name + ", recovery crashed at restore " + j);
        }
        System.out.println("recovery crash points: " + name + ": " + restores);
    }

    /**
     * The same crash points in a real process: a child JVM runs the operation on a copy of the scenario and a
     * hook halts it ({@link Runtime#halt}, no shutdown of any kind) at journaled write k, for k = 0, 1, ...
     * until the operation completes. The dead child still holds the heap lock; this JVM's open must find it
     * dead through the lock file, take over, and give back the heap as it was.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("operationIndexes")
    void aProcessHaltedAtEveryCrashPointIsRolledBackByTheNextProcess(String name, int index) throws Exception {
        Scenario scenario = build("h");
        Baseline before = baseline(scenario);
        int points = countWrites(scenario, operation(index)) + 1; // every write, and the commit
        List<Path> copies = new ArrayList<>();
        List<List<String>> commands = new ArrayList<>();
        for (int k = 0; k <= points; k++) { // k = points is past the last crash point: the operation completes
            Path copy = copy(scenario.file(), "h" + k);
            copies.add(copy);
            commands.add(ChildJvm.shortLivedCommand(HaltingChild.class, "operation", copy.toString(), "" + index, "" + k,
                    liveList(scenario)));
        }
        List<ChildJvm.Result> results = ChildJvm.runAll(commands);
        int covered = 0;
        for (int k = 0; k < points; k++) {
            ChildJvm.Result result = results.get(k);
            assertThat(result.exitCode()).as("%s, halt at %d: %s", name, k, result.output())
                    .isEqualTo(HaltingChild.HALTED);
            covered++;
            try (MappedHeap heap = MappedHeap.open(copies.get(k))) {
                assertThat(heap.stats().lockTakeovers()).as("%s, halt at %d: taken over", name, k).isEqualTo(1);
                assertThat(heap.recoveredWrites()).isPositive();
            }
            assertAsBefore(copies.get(k), before, scenario, name + ", process halted at write " + k);
        }
        ChildJvm.Result completed = results.get(points);
        assertThat(completed.exitCode()).as("%s runs to completion past its last crash point: %s", name,
                completed.output()).isZero();
        try (MappedHeap heap = MappedHeap.open(copies.get(points))) {
            assertThat(heap.check().ok()).as("%s completed", name).isTrue();
            assertThat(heap.stats().lockTakeovers()).as("a completed operation released the lock").isZero();
        }
        System.out.println("process crash points covered: " + name + ": " + covered + " of " + points);
    }

    /**
     * A second crash during recovery, in real processes: one child halts the operation just before its
     * commit; another opens the heap and halts before restore j of the recovery, for every j; a third
     * recovery (this JVM) must give the heap as it was before the operation.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("operationIndexes")
    void aProcessHaltedDuringRecoveryIsRecoveredByTheNextProcess(String name, int index) throws Exception {
        Scenario scenario = build("hr");
        Baseline before = baseline(scenario);
        int writes = countWrites(scenario, operation(index));
        Path crashed = copy(scenario.file(), "crashed");
        ChildJvm.Result halted = ChildJvm.run(ChildJvm.shortLivedCommand(HaltingChild.class, "operation", crashed.toString(),
                "" + index, "" + writes, liveList(scenario)));
        assertThat(halted.exitCode()).as(halted.output()).isEqualTo(HaltingChild.HALTED);
        int restores;
        try (MappedHeap probe = MappedHeap.open(copy(crashed, "probe"))) {
            restores = probe.recoveredWrites();
        }
        assertThat(restores).isPositive();
        List<Path> copies = new ArrayList<>();
        List<List<String>> commands = new ArrayList<>();
        for (int j = 0; j < restores; j++) {
            Path copy = copy(crashed, "j" + j);
            copies.add(copy);
            commands.add(ChildJvm.shortLivedCommand(HaltingChild.class, "recovery", copy.toString(), "" + j));
        }
        List<ChildJvm.Result> results = ChildJvm.runAll(commands);
        for (int j = 0; j < restores; j++) {
            assertThat(results.get(j).exitCode()).as("%s, recovery halted at %d: %s", name, j,
                    results.get(j).output()).isEqualTo(HaltingChild.HALTED);
            assertAsBefore(copies.get(j), before, scenario, name + ", recovering process halted at restore " + j);
        }
        System.out.println("process recovery crash points covered: " + name + ": " + restores + " of " + restores);
    }

    private static String liveList(Scenario scenario) {
        return scenario.live().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
    }

    /** Child JVM: runs one operation (or one recovery) on a heap and halts the process at a chosen point. */
    static final class HaltingChild {
        static final int HALTED = 77;

        private HaltingChild() {}

        public static void main(String[] args) {
            Path file = Path.of(args[1]);
            int at = Integer.parseInt(args[args[0].equals("operation") ? 3 : 2]);
            if (args[0].equals("recovery")) {
                MappedHeap.openWithRecoveryHook(file, restore -> haltAt(restore, at)).close();
                System.exit(0);
            }
            List<Long> live = java.util.Arrays.stream(args[4].split(",")).map(Long::valueOf).toList();
            try (MappedHeap heap = MappedHeap.open(file)) {
                heap.journal().crashHook(write -> haltAt(write, at));
                operation(Integer.parseInt(args[2])).apply(new Scenario(file, live)).applyAsLong(heap);
                heap.journal().crashHook(null);
            }
            System.exit(0);
        }

        private static void haltAt(int point, int at) {
            if (point == at) {
                Runtime.getRuntime().halt(HALTED);
            }
        }
    }

    /** The heap before an operation: its figures, its root, and what it does next if left alone. */
    private record Baseline(HeapStats stats, long root, long[] followUp) {}

    private Baseline baseline(Scenario scenario) throws IOException {
        try (MappedHeap heap = MappedHeap.open(scenario.file())) {
            return new Baseline(usage(heap.stats()), heap.root(), followUp(copy(scenario.file(), "reference")));
        }
    }

    /**
     * Opens {@code file} (recovering it) and checks it is the heap of {@code before}: a clean check, the same
     * figures, root and block contents, and the same allocations for the same follow-up operations.
     */
    private static void assertAsBefore(Path file, Baseline before, Scenario scenario, String what) {
        try (MappedHeap heap = MappedHeap.open(file)) {
            CheckReport report = heap.check();
            assertThat(report.ok()).as("%s: %s", what, report).isTrue();
            assertThat(usage(heap.stats())).as(what).isEqualTo(before.stats());
            assertThat(heap.root()).as(what).isEqualTo(before.root());
            verifyContents(heap, scenario.live());
        }
        assertThat(followUp(file)).as("%s: behaves as if never started", what).containsExactly(before.followUp());
    }

    /** @return the usage figures of {@code stats}, without the lock statistics that a crash must change */
    private static HeapStats usage(HeapStats stats) {
        return new HeapStats(stats.capacity(), stats.metadataBytes(), stats.usedBytes(), stats.freeBytes(),
                stats.liveBlocks(), stats.freeBlocks(), stats.largestFreeBlock(), stats.topBytes(), 0, 0);
    }

    /** @return how many journaled writes the operation makes on the scenario (its crash points, commit aside) */
    private int countWrites(Scenario scenario, java.util.function.Function<Scenario, ToLongFunction<MappedHeap>> op)
            throws IOException {
        int[] count = {0};
        try (MappedHeap heap = MappedHeap.open(copy(scenario.file(), "count"))) {
            heap.journal().crashHook(write -> count[0] = write + 1);
            op.apply(scenario).applyAsLong(heap);
        }
        return count[0] - 1; // the commit's call of the hook is not a write
    }

    /** A fixed sequence of operations whose resulting offsets reveal any difference in the free structures. */
    private static long[] followUp(Path file) {
        try (MappedHeap heap = MappedHeap.open(file)) {
            long[] sizes = {8, 60, 500, 1000, 2500, 40_000, 64, 64};
            long[] offsets = new long[sizes.length];
            for (int i = 0; i < sizes.length; i++) {
                offsets[i] = heap.allocate(sizes[i]);
            }
            heap.free(offsets[2]);
            heap.free(offsets[4]);
            assertThat(heap.check().ok()).isTrue();
            return offsets;
        }
    }

    private static boolean crashes(Runnable operation) {
        try {
            operation.run();
            return false;
        } catch (SimulatedCrash expected) {
            return true;
        }
    }

    private Path copy(Path file, String suffix) throws IOException {
        Path copy = dir.resolve(file.getFileName() + "." + suffix);
        Files.copy(file, copy);
        return copy;
    }

    @Test
    void operationThatThrowsMidwayIsRolledBackAtOnce() {
        Scenario scenario = build("throws");
        try (MappedHeap heap = MappedHeap.open(scenario.file())) {
            HeapStats before = heap.stats();
            heap.journal().crashHook(write -> {
                if (write == 3) {
                    throw new IllegalStateException("injected failure");
                }
            });
            assertThatThrownBy(() -> heap.free(scenario.live().get(1))).hasMessage("injected failure");
            heap.journal().crashHook(null);
            assertThat(heap.stats()).isEqualTo(before);
            assertThat(heap.check().ok()).isTrue();
            verifyContents(heap, scenario.live());
            heap.free(scenario.live().get(1)); // and the same free now succeeds
            assertThat(heap.check().ok()).isTrue();
        }
    }
}
