package dev.mappedheap.allocator;

import static dev.mappedheap.allocator.HeapTestSupport.KIB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.format.HeaderLayout;
import dev.mappedheap.allocator.journal.UndoJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated power loss, in the manner of PMDK's store replay: at every crash point of a series of operations
 * the test builds the images a device could hold after a power cut (each page either as last flushed, or as
 * it is now), writes each to a file, opens it (recovery runs) and checks it.
 *
 * <p>The model: pages are written whole (4 KiB); a flush (the barrier's calls, which the real barrier turns
 * into {@code msync}) makes the flushed pages' current contents durable; any page changed since its last
 * flush may or may not have reached the device. Intermediate versions of a page are not modelled, nor is
 * growth (the heap stays inside its initial size).
 *
 * <p>With {@link Durability#SYNC_EACH_OPERATION} every image must open with a clean {@code check()} and
 * hold the state before or after the operation; every operation that returned must be fully durable. The
 * control runs the same operations without flushes (the default mode, with the state before each operation
 * taken as synced) and must find broken images: it shows the simulation can see what the flushes prevent.
 */
class PowerLossSimulationTest {
    private static final int PAGE = 4096;
    private static final long SEED = Long.getLong("mappedheap.test.seed", 0xD15CL);
    private static final int RANDOM_IMAGES = 6;

    @TempDir Path dir;

    @Test
    void withSyncEachOperationEveryPowerCutImageRecoversConsistent() throws Exception {
        Simulation sim = run(Durability.SYNC_EACH_OPERATION);
        System.out.println("power-loss simulation, SYNC_EACH_OPERATION: " + sim);
        assertThat(sim.broken).as("broken images: " + sim.firstBroken).isEmpty();
        assertThat(sim.crashPoints).isGreaterThan(100);
        assertThat(sim.images).isGreaterThan(500);
    }

    @Test
    void withoutFlushesSomePowerCutImagesAreBroken() throws Exception {
        Simulation sim = run(Durability.EXPLICIT_SYNC);
        System.out.println("power-loss simulation, no flushes (control): " + sim);
        assertThat(sim.broken).as("the control must find images the journal cannot repair").isNotEmpty();
    }

    private Simulation run(Durability durability) throws Exception {
        System.out.println("PowerLossSimulationTest seed=0x" + Long.toHexString(SEED) + " (-Dmappedheap.test.seed=...)");
        Path file = dir.resolve(durability + ".heap");
        HeapOptions options = HeapOptions.defaults().initialSize(512 * KIB).durability(durability);
        Simulation sim = new Simulation(file, dir.resolve(durability + ".image"), new SplittableRandom(SEED));
        try (MappedHeap heap = MappedHeap.create(file, options)) {
            heap.sync();
            UndoJournal journal = heap.journal();
            if (durability == Durability.SYNC_EACH_OPERATION) {
                journal.barrier(sim.tracking(journal.barrier()));
            }
            journal.crashHook(writeIndex -> sim.crashPoint());
            List<Long> live = new ArrayList<>();
            SplittableRandom random = new SplittableRandom(SEED);
            for (int op = 0; op < 24; op++) {
                sim.beginOperation(heap.stats().liveBlocks(), durability == Durability.EXPLICIT_SYNC);
                if (op < 10 || random.nextInt(3) == 0 || live.isEmpty()) {
                    live.add(heap.allocate(16 + random.nextInt(12_000)));
                } else if (random.nextBoolean()) {
                    heap.free(live.remove(random.nextInt(live.size())));
                } else {
                    int i = random.nextInt(live.size());
                    live.set(i, heap.reallocate(live.get(i), 16 + random.nextInt(20_000)));
                }
                sim.endOperation(heap.stats().liveBlocks(), durability == Durability.SYNC_EACH_OPERATION);
            }
            journal.crashHook(null);
            HeapTestSupport.assertConsistent(heap);
        }
        return sim;
    }

    /** The device model and the images built from it. */
    private static final class Simulation {
        private final Path file;
        private final Path image;
        private final SplittableRandom random;
        private byte[] durable;
        private long liveBefore;
        private long liveAfter = -1;
        private boolean inOperation;
        int crashPoints;
        int images;
        final List<String> broken = new ArrayList<>();
        String firstBroken = "";

        Simulation(Path file, Path image, SplittableRandom random) {
            this.file = file;
            this.image = image;
            this.random = random;
        }

        /** Wraps the real barrier: each flush makes the flushed pages' current contents durable. */
        UndoJournal.Barrier tracking(UndoJournal.Barrier real) {
            return new UndoJournal.Barrier() {
                @Override
                public void entryWritten(long entryOffset, int length) {
                    real.entryWritten(entryOffset, length);
                    flushed(entryOffset, length);
                }

                @Override
                public void beforeRetire() {
                    real.beforeRetire();
                    durable = current();
                }

                @Override
                public void afterRetire(long seqOffset) {
                    real.afterRetire(seqOffset);
                    flushed(seqOffset, 8);
                }
            };
        }

        private void flushed(long offset, int length) {
            byte[] now = current();
            int from = (int) (offset / PAGE) * PAGE;
            int to = (int) Math.min(now.length, (offset + length + PAGE - 1) / PAGE * PAGE);
            System.arraycopy(now, from, durable, from, to - from);
        }

        void beginOperation(long live, boolean syncedBefore) {
            if (durable == null || syncedBefore) {
                durable = current(); // the control: as if sync() had run before each operation
            }
            liveBefore = live;
            liveAfter = -1;
            inOperation = true;
        }

        void endOperation(long live, boolean mustBeDurable) {
            inOperation = false;
            if (mustBeDurable) {
                // the heap lock word is released after the commit and never flushed: after a power cut its
                // holder is dead by definition and the next locker takes it over, so it is left out
                byte[] now = current();
                int lock = HeaderLayout.LOCK_WORD_OFFSET;
                System.arraycopy(durable, lock, now, lock, 8);
                int page = firstDifferentPage(durable, now);
                assertThat(page).as("an operation that returned is entirely on the device (first unflushed page)")
                        .isEqualTo(-1);
            }
            liveAfter = live;
        }

        /** At a crash point: builds the images a power cut could leave and checks each after recovery. */
        void crashPoint() {
            if (!inOperation) {
                return;
            }
            crashPoints++;
            byte[] now = current();
            List<Integer> changed = new ArrayList<>();
            for (int p = 0; p < now.length / PAGE; p++) {
                if (!Arrays.equals(durable, p * PAGE, (p + 1) * PAGE, now, p * PAGE, (p + 1) * PAGE)) {
                    changed.add(p);
                }
            }
            List<boolean[]> choices = new ArrayList<>();
            choices.add(new boolean[changed.size()]); // nothing more reached the device
            for (int i = 0; i < changed.size(); i++) {
                boolean[] one = new boolean[changed.size()];
                one[i] = true; // just this page
                choices.add(one);
                boolean[] allBut = new boolean[changed.size()];
                Arrays.fill(allBut, true);
                allBut[i] = false; // every page but this one
                choices.add(allBut);
            }
            for (int r = 0; r < RANDOM_IMAGES && !changed.isEmpty(); r++) {
                boolean[] subset = new boolean[changed.size()];
                for (int i = 0; i < subset.length; i++) {
                    subset[i] = random.nextBoolean();
                }
                choices.add(subset);
            }
            for (boolean[] choice : choices) {
                byte[] bytes = durable.clone();
                for (int i = 0; i < choice.length; i++) {
                    if (choice[i]) {
                        int p = changed.get(i);
                        System.arraycopy(now, p * PAGE, bytes, p * PAGE, PAGE);
                    }
                }
                verify(bytes, changed, choice);
            }
        }

        private void verify(byte[] bytes, List<Integer> changed, boolean[] choice) {
            images++;
            String what = "crash point " + crashPoints + " pages changed " + changed + " written "
                    + Arrays.toString(choice);
            try {
                Files.write(image, bytes);
                try (MappedHeap recovered = MappedHeap.open(image)) {
                    CheckReport report = recovered.check();
                    long live = recovered.stats().liveBlocks();
                    if (!report.ok()) {
                        broken(what + ": " + report);
                    } else if (live != liveBefore && live != liveAfter && live != liveBefore + 1
                            && live != liveBefore - 1) {
                        broken(what + ": liveBlocks=" + live + " before=" + liveBefore);
                    }
                }
            } catch (HeapException | IOException e) {
                broken(what + ": " + e);
            }
        }

        private void broken(String why) {
            if (broken.isEmpty()) {
                firstBroken = why;
            }
            broken.add(why);
        }

        private byte[] current() {
            try {
                return Files.readAllBytes(file); // the page cache, shared with the mapping
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        private static int firstDifferentPage(byte[] a, byte[] b) {
            int at = Arrays.mismatch(a, b);
            return at < 0 ? -1 : at / PAGE;
        }

        @Override
        public String toString() {
            return "crashPoints=" + crashPoints + " images=" + images + " broken=" + broken.size();
        }
    }
}
