package dev.mappedheap.structs.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.tx.Transaction;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged trees: one word at a time (a field of a node or attribute record, a name block's kind and length,
 * the header's root or counts) is overwritten with garbage (a random value, another
 * node, an offset inside a block, the header, zero, a huge count), then the tree is checked, read and
 * mutated. Allowed outcomes: it works, or a {@link HeapException} / {@link IllegalArgumentException} names
 * the problem. Never another exception, a hang or an access outside the heap; every mutation is aborted and
 * the word restored, after which the tree checks clean again.
 *
 * <p>{@code -Dmappedheap.tree.seed=S} replays a run (the seed is printed), {@code -Dmappedheap.tree.rounds=N}
 * damages more words (default 400).
 */
class CorruptTreeTest {
    private static final long SEED = Long.getLong("mappedheap.tree.seed", System.nanoTime());
    private static final int ROUNDS = Integer.getInteger("mappedheap.tree.rounds", 400);

    @TempDir
    Path dir;

    @Test
    void damagedWordsGiveClearErrorsNeverHangsOrCrashes() {
        System.out.println("corrupt node tree: seed=" + SEED);
        SplittableRandom random = new SplittableRandom(SEED);
        try (MappedHeap heap = MappedHeap.create(dir.resolve("corrupt.heap"), HeapOptions.defaults())) {
            NodeTree tree = TreeFiles.createDocument(heap, 4);
            for (int i = 0; i < 12; i++) {
                tree.insert(tree.root(), 0, TreeModel.randomData(random, 1 + random.nextInt(6)));
            }
            List<TreeModel.Node> nodes = TreeModel.of(tree, 1000).preorder();
            List<Long> words = wordsOf(heap, tree, nodes);
            int detected = 0;
            int refused = 0;
            for (int round = 0; round < ROUNDS; round++) {
                long word = words.get(random.nextInt(words.size()));
                long good = heap.readLong(word);
                long other = nodes.get(random.nextInt(nodes.size())).offset;
                long bad = switch (random.nextInt(6)) {
                    case 0 -> random.nextLong();
                    case 1 -> other;
                    case 2 -> other + 16;
                    case 3 -> tree.headerOffset();
                    case 4 -> 0;
                    default -> Long.MAX_VALUE / 3;
                };
                heap.writeLong(word, bad);
                String where = "seed=" + SEED + " round=" + round + " word=" + word + " bad=" + bad;
                try {
                    if (!tree.check().ok()) {
                        detected++;
                    }
                    refused += outcome(where, () -> tree.snapshot(tree.root()));
                    long target = nodes.get(random.nextInt(nodes.size())).offset;
                    refused += outcome(where, () -> mutateAndAbort(tree, target, random.nextInt(4)));
                } finally {
                    heap.writeLong(word, good);
                }
                assertThat(tree.check().ok()).as("%s: restored", where).isTrue();
            }
            System.out.println("corrupt node tree: " + ROUNDS + " damaged words, " + detected + " reported by check(), "
                    + refused + " operations refused with a clear exception");
            assertThat(detected).isPositive();
            assertThat(heap.check().ok()).isTrue();
        }
    }

    /**
     * @return the words to damage: every field of every node and attribute record, the length word of every
     *     name block, and the header's root and counts
     */
    private static List<Long> wordsOf(MappedHeap heap, NodeTree tree, List<TreeModel.Node> nodes) {
        List<Long> words = new java.util.ArrayList<>();
        words.add(tree.headerOffset() + TreeHeaderLayout.ROOT_OFFSET);
        words.add(tree.headerOffset() + TreeHeaderLayout.NODE_COUNT_OFFSET);
        words.add(tree.headerOffset() + TreeHeaderLayout.ATTRIBUTE_COUNT_OFFSET);
        var view = NodeLayouts.NODE.newView(heap);
        var attribute = NodeLayouts.ATTRIBUTE.newView(heap);
        for (TreeModel.Node node : nodes) {
            for (var field : NodeLayouts.NODE.fields()) {
                words.add(node.offset + field.offset());
            }
            view.wrap(node.offset);
            words.add(heap.readLong(node.offset + NodeLayouts.NAME.offset())); // kind and length of the name
            for (long at = NodeLayouts.FIRST_ATTRIBUTE.get(view); at != 0; at = NodeLayouts.ATTR_NEXT.get(attribute)) {
                attribute.wrap(at);
                for (var field : NodeLayouts.ATTRIBUTE.fields()) {
                    words.add(at + field.offset());
                }
            }
        }
        return words;
    }

    private static Object mutateAndAbort(NodeTree tree, long target, int kind) {
        try (Transaction tx = tree.transactions().begin()) {
            switch (kind) {
                case 0 -> tree.remove(tx, target);
                case 1 -> tree.setText(tx, target, "replaced");
                case 2 -> tree.setAttribute(tx, target, "id", "x");
                default -> tree.insert(tx, target, 0, NodeData.of("new"));
            }
            tx.abort();
        }
        return null;
    }

    /** @return 1 if the call was refused with an allowed exception, 0 if it worked */
    private static int outcome(String where, java.util.function.Supplier<Object> call) {
        try {
            call.get();
            return 0;
        } catch (HeapException | IllegalArgumentException e) {
            assertThat(e.getMessage()).as(where).isNotBlank();
            return 1;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new AssertionError(where + ": not a clear error: " + e, e);
        }
    }
}
