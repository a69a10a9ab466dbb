package dev.mappedheap.structs.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.ChildJvm;
import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.allocator.RunningChild;
import java.nio.file.Path;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 in the middle of node tree transactions: a child JVM ({@link TreeWorker}) runs random mutations,
 * each in a transaction that also records how many it has committed; it is killed at a random moment, again
 * and again, and replaced by a new one with a new seed. While it runs, this JVM checks the tree from outside
 * (a reader in another process must never see it half linked). After each kill this JVM reads the tree
 * (taking the lock over from the dead child rolls its transaction back), replays the committed operations on
 * its model from the child's seed, and checks that the tree equals the model, {@code check()} is clean and
 * the heap holds exactly the tree's blocks plus the fixed ones.
 *
 * <p>{@code -Dmappedheap.tree.kills=N} (default 20), {@code -Dmappedheap.tree.seed=S} (printed, to replay).
 */
class NodeTreeKillTest {
    private static final int KILLS = Integer.getInteger("mappedheap.tree.kills", 20);
    private static final long SEED = Long.getLong("mappedheap.tree.seed", System.nanoTime());

    @TempDir
    Path dir;

    @Test
    void killedMutationsAreRolledBackAndNothingLeaks() throws Exception {
        System.out.println("node tree kills: seed=" + SEED + " kills=" + KILLS);
        Random random = new Random(SEED);
        Path file = dir.resolve("tree.heap");
        try (MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults())) {
            NodeTree tree = TreeFiles.createDocument(heap, 8);
            long fixedBlocks = TreeFiles.fixedBlocks(heap, tree);
            TreeModel model = TreeModel.of(tree, TreeWorker.MAX_NODES);
            long header = tree.headerOffset();
            int killedHoldingTheLock = 0;
            long committed = 0;
            long outsideChecks = 0;
            for (int kill = 1; kill <= KILLS; kill++) {
                long childSeed = random.nextLong();
                try (RunningChild child = RunningChild.start("tree worker",
                        ChildJvm.command(TreeWorker.class, file.toString(), Long.toString(childSeed)))) {
                    child.awaitLine("ready", 60_000);
                    assertThat(child.awaitOpsAbove(0, 60_000)).as("%s works: %s", child, child.output()).isTrue();
                    for (int i = random.nextInt(3); i > 0; i--) {
                        NodeTreeCheckReport seen = tree.check();
                        assertThat(seen.ok()).as("kill %d: seen from outside while the child runs: %s", kill, seen)
                                .isTrue();
                        outsideChecks++;
                    }
                    Thread.sleep(random.nextInt(100));
                    child.kill();
                }
                long owner = heap.readVolatileLong(header + TreeHeaderLayout.LOCK_WORD_OFFSET);
                if (owner != 0 && !heap.isOwnerAlive(owner)) {
                    killedHoldingTheLock++;
                }
                long done = tree.read(() -> progress(tree.attribute(tree.root(), TreeWorker.PROGRESS), childSeed));
                SplittableRandom replay = new SplittableRandom(childSeed);
                for (long k = 1; k <= done; k++) {
                    model.step(replay, null, null);
                    model.root.attributes.put(TreeWorker.PROGRESS, childSeed + ":" + k);
                }
                committed += done;
                String where = "seed=" + SEED + " kill=" + kill + " childSeed=" + childSeed + " committed=" + done;
                NodeTreeCheckReport report = tree.check();
                assertThat(report.ok()).as("%s: %s", where, report).isTrue();
                assertThat(TreeModel.render(tree.snapshot(tree.root()))).as(where).isEqualTo(model.render());
                assertThat(heap.stats().liveBlocks()).as("%s: nothing leaked", where)
                        .isEqualTo(fixedBlocks + report.blocks());
                assertThat(heap.check().ok()).as(where).isTrue();
            }
            System.out.printf("node tree kills: %d kills (%d holding the tree's lock), %d committed transactions"
                    + " replayed, %d checks from outside during the children's runs, %d nodes at the end%n", KILLS,
                    killedHoldingTheLock, committed, outsideChecks, tree.size());
            assertThat(killedHoldingTheLock).as("some kills hit a transaction in progress").isPositive();
        }
    }

    /** @return k from {@code seed:k}, or 0 when the value is from an earlier child (this one committed nothing) */
    private static long progress(String value, long seed) {
        if (value == null || !value.startsWith(seed + ":")) {
            return 0;
        }
        return Long.parseLong(value.substring(value.indexOf(':') + 1));
    }
}
