package dev.mappedheap.structs.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.tx.Transaction;
import dev.mappedheap.structs.tx.Transactions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mutation writes bytes in proportion to the change, not the document: the same operations on a
 * document of about 1,000 nodes and one of about 100,000 write exactly the same number of bytes (counted by a
 * {@link CountingWriter} around the transaction), each within a small fixed bound, and removing a subtree
 * frees exactly its blocks.
 */
class WriteProportionTest {
    private static final int ITEMS = 99;

    @TempDir
    Path dir;

    @Test
    void mutationsWriteTheSameBytesInASmallAndALargeDocument() {
        Map<String, long[]> small = measure(dir.resolve("small.heap"), 10);
        Map<String, long[]> large = measure(dir.resolve("large.heap"), 1000);
        System.out.println("node tree bytes written per operation (document of ~1,000 nodes / ~100,000 nodes):");
        for (String op : small.keySet()) {
            System.out.printf("  %-28s %6d / %6d bytes, %d / %d allocations, %d / %d frees%n", op, small.get(op)[0],
                    large.get(op)[0], small.get(op)[1], large.get(op)[1], small.get(op)[2], large.get(op)[2]);
            assertThat(large.get(op)).as(op).containsExactly(small.get(op));
        }
        assertThat(small.get("replace text, same length")[0]).isLessThanOrEqualTo(16 + 24);
        assertThat(small.get("replace text, 300 chars")[0]).isLessThanOrEqualTo(300 + 8 + 8 + 24);
        assertThat(small.get("rename")[0]).isLessThanOrEqualTo(64);
        assertThat(small.get("set new attribute")[0]).isLessThanOrEqualTo(256);
        assertThat(small.get("set existing attribute")[0]).isLessThanOrEqualTo(64);
        assertThat(small.get("insert 2-node subtree")[0]).isLessThanOrEqualTo(1024);
        assertThat(small.get("remove item")[0]).isLessThanOrEqualTo(128);
        assertThat(small.get("move section")[0]).isLessThanOrEqualTo(128);
        assertThat(small.get("remove 100-node section")[0]).isLessThanOrEqualTo(100 * 64);
    }

    /** Builds a document of {@code sections} sections of {@value #ITEMS} items, then measures each operation. */
    private Map<String, long[]> measure(Path file, int sections) {
        Map<String, long[]> written = new LinkedHashMap<>();
        try (MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults())) {
            Transactions transactions = Transactions.create(heap, 2);
            NodeTree tree = NodeTree.create(transactions, "doc");
            long root = tree.root();
            for (int s = 0; s < sections; ) {
                try (Transaction tx = transactions.begin()) {
                    for (int batch = 0; batch < 25 && s < sections; batch++, s++) {
                        tree.insert(tx, root, 0, section(s));
                    }
                    tx.commit();
                }
            }
            assertThat(tree.size()).isEqualTo(1 + sections * (ITEMS + 1L));
            long[] sectionNodes = tree.children(root);
            long middle = sectionNodes[sections / 2];
            long item = tree.children(middle)[ITEMS / 2];
            long other = tree.children(middle)[ITEMS / 2 + 1];

            run(tree, written, "replace text, same length", (t, e) -> e.setText(item, "TEXT of 0050"));
            run(tree, written, "replace text, 300 chars", (t, e) -> e.setText(item, "x".repeat(300)));
            run(tree, written, "rename", (t, e) -> e.rename(item, "entry"));
            run(tree, written, "set new attribute", (t, e) -> e.setAttribute(item, "lang", "en"));
            run(tree, written, "set existing attribute", (t, e) -> e.setAttribute(item, "lang", "de"));
            run(tree, written, "insert 2-node subtree", (t, e) -> e.insert(middle, other,
                    NodeData.of("note").withAttribute("by", "me").withText("hi").withChild(NodeData.of("b"))));
            run(tree, written, "remove item", (t, e) -> e.remove(other));
            run(tree, written, "move section", (t, e) -> e.move(middle, root, 0));

            NodeTreeCheckReport before = tree.check().orThrow();
            long liveBefore = heap.stats().liveBlocks();
            long doomed = sectionNodes[sections / 2 - 1];
            run(tree, written, "remove 100-node section", (t, e) -> assertThat(e.remove(doomed)).isEqualTo(100));
            NodeTreeCheckReport after = tree.check().orThrow();
            assertThat(liveBefore - heap.stats().liveBlocks()).as("the section's blocks, and only those, freed")
                    .isEqualTo(before.blocks() - after.blocks())
                    .isEqualTo(2 + ITEMS * 6L);
            System.out.printf("  document of %d nodes: %d bytes of heap in use%n", tree.size(), heap.stats().usedBytes());
        }
        return written;
    }

    private static void run(NodeTree tree, Map<String, long[]> written, String op,
            BiConsumer<Transaction, NodeEditor> body) {
        try (Transaction tx = tree.transactions().begin()) {
            CountingWriter counter = new CountingWriter(tx);
            body.accept(tx, tree.editor(tx, counter));
            tx.commit();
            written.put(op, new long[] {counter.bytes, counter.allocations, counter.frees});
        }
        assertThat(tree.check().ok()).as("after %s: %s", op, tree.check()).isTrue();
    }

    private static NodeData section(int s) {
        NodeData section = NodeData.of("section");
        for (int i = 0; i < ITEMS; i++) {
            section = section.withChild(NodeData.of("item").withAttribute("id", s + "." + i)
                    .withText(String.format("text of %04d", i)));
        }
        return section;
    }
}
