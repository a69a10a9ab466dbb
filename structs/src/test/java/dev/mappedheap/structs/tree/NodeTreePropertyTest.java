package dev.mappedheap.structs.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.tx.Transaction;
import dev.mappedheap.structs.tx.Transactions;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random operations on a node tree and on a plain Java model side by side: inserts of small subtrees,
 * removes, moves, texts, attributes and renames, some one transaction each, some several in one transaction,
 * some in a transaction that is aborted or fails midway (the model then stays as it was). The heap is closed
 * and reopened between batches; after each batch the tree equals the model, {@code check()} is clean, and
 * the heap holds exactly the tree's blocks plus the fixed ones (nothing leaked).
 *
 * <p>{@code -Dmappedheap.tree.seed=S} replays a run (the seed is printed), {@code -Dmappedheap.tree.steps=N}
 * makes it longer (default 3000).
 */
class NodeTreePropertyTest {
    private static final long SEED = Long.getLong("mappedheap.tree.seed", System.nanoTime());
    private static final int STEPS = Integer.getInteger("mappedheap.tree.steps", 3000);

    @TempDir
    Path dir;

    @Test
    void treeFollowsTheModelAcrossReopensAbortsAndFailures() {
        System.out.println("node tree property test: seed=" + SEED + " steps=" + STEPS);
        SplittableRandom random = new SplittableRandom(SEED);
        Path file = dir.resolve("tree.heap");
        long fixedBlocks;
        TreeModel model;
        try (MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults())) {
            NodeTree tree = TreeFiles.createDocument(heap, 4);
            fixedBlocks = TreeFiles.fixedBlocks(heap, tree);
            model = TreeModel.of(tree, 200);
        }
        int aborted = 0;
        int failed = 0;
        for (int step = 0; step < STEPS; ) {
            try (MappedHeap heap = MappedHeap.open(file)) {
                NodeTree tree = TreeFiles.openDocument(heap);
                Transactions transactions = tree.transactions();
                model = TreeModel.of(tree, 200); // offsets from this opening; the contents must be the model's
                for (int batch = 0; batch < 50 && step < STEPS; batch++, step++) {
                    int mode = random.nextInt(10);
                    String where = "seed=" + SEED + " step=" + step;
                    if (mode < 6) {
                        model.step(random, tree, null);
                    } else if (mode < 8) {
                        try (Transaction tx = transactions.begin()) {
                            for (int i = 1 + random.nextInt(4); i > 0; i--) {
                                model.step(random, tree, tx);
                            }
                            tx.commit();
                        }
                    } else {
                        TreeModel scratch = model.copy();
                        boolean fail = mode == 9;
                        try (Transaction tx = transactions.begin()) {
                            for (int i = 1 + random.nextInt(4); i > 0; i--) {
                                scratch.step(random, tree, tx);
                            }
                            if (fail) {
                                throw new IllegalStateException("injected failure");
                            }
                            tx.abort();
                            aborted++;
                        } catch (IllegalStateException e) {
                            assertThat(e).hasMessage("injected failure");
                            failed++;
                        }
                        assertThat(TreeModel.render(tree.snapshot(tree.root()))).as("%s: rolled back", where)
                                .isEqualTo(model.render());
                    }
                }
                NodeTreeCheckReport report = tree.check();
                assertThat(report.ok()).as("seed=%d step=%d %s", SEED, step, report).isTrue();
                assertThat(TreeModel.render(tree.snapshot(tree.root()))).as("seed=%d step=%d", SEED, step)
                        .isEqualTo(model.render());
                assertThat(report.nodes()).isEqualTo(model.preorder().size()).isEqualTo(tree.size());
                assertThat(heap.stats().liveBlocks()).as("seed=%d step=%d: nothing leaked", SEED, step)
                        .isEqualTo(fixedBlocks + report.blocks());
                assertThat(heap.check().ok()).isTrue();
            }
        }
        System.out.println("node tree property test: nodes at the end " + model.preorder().size() + ", aborted "
                + aborted + ", failed " + failed);
        assertThat(aborted).isPositive();
        assertThat(failed).isPositive();
    }

    @Test
    void aStaleHandleFromAnAbortedInsertIsRefused() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("stale.heap"), HeapOptions.defaults())) {
            Transactions transactions = Transactions.create(heap, 2);
            NodeTree tree = NodeTree.create(transactions, "doc");
            long node;
            try (Transaction tx = transactions.begin()) {
                node = tree.insert(tx, tree.root(), 0, NodeData.of("gone"));
                tx.abort();
            }
            assertThatThrownBy(() -> tree.name(node)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a node of this tree");
            assertThat(tree.check().ok()).isTrue();
        }
    }
}
