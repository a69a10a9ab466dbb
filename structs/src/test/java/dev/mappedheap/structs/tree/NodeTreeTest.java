package dev.mappedheap.structs.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.map.OrderedLongMap;
import dev.mappedheap.structs.tx.Transaction;
import dev.mappedheap.structs.tx.Transactions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node tree's operations one by one, its refusals, its format checks at open, and what check() finds. */
class NodeTreeTest {
    @TempDir
    Path dir;
    MappedHeap heap;
    Transactions transactions;
    NodeTree tree;
    long root;

    @BeforeEach
    void createTree() {
        heap = MappedHeap.create(dir.resolve("tree.heap"), HeapOptions.defaults());
        transactions = Transactions.create(heap, 4);
        tree = NodeTree.create(transactions, "doc");
        root = tree.root();
    }

    @AfterEach
    void closeHeap() {
        heap.close();
    }

    @Test
    void recordsAreLaidOutAsDocumented() {
        assertThat(NodeLayouts.NODE.typeTag()).isEqualTo(0x1A06AE84);
        assertThat(NodeLayouts.ATTRIBUTE.typeTag()).isEqualTo(0x58B62518);
        assertThat(NodeLayouts.NODE.size()).isEqualTo(104);
        assertThat(NodeLayouts.ATTRIBUTE.size()).isEqualTo(40);
        assertThat(NodeLayouts.NODE.fields()).extracting(f -> f.name() + "@" + f.offset()).containsExactly(
                "tree@16", "parent@24", "firstChild@32", "lastChild@40", "prevSibling@48", "nextSibling@56",
                "childCount@64", "firstAttribute@72", "attributeCount@80", "name@88", "text@96");
        assertThat(NodeLayouts.ATTRIBUTE.fields()).extracting(f -> f.name() + "@" + f.offset())
                .containsExactly("next@16", "name@24", "value@32");
        assertThat(heap.readLong(tree.headerOffset())).isEqualTo(0x0A0D4552544E484DL);
    }

    @Test
    void buildsNavigatesAndReadsADocument() {
        long a = tree.appendChild(root, "a");
        long c = tree.appendChild(root, "c");
        long b = tree.insert(root, c, NodeData.of("b").withText("bee").withAttribute("z", "1").withAttribute("y", "2")
                .withChild(NodeData.of("b1")).withChild(NodeData.of("b2")));
        assertThat(tree.children(root)).containsExactly(a, b, c);
        assertThat(tree.firstChild(root)).isEqualTo(a);
        assertThat(tree.lastChild(root)).isEqualTo(c);
        assertThat(tree.nextSibling(a)).isEqualTo(b);
        assertThat(tree.previousSibling(c)).isEqualTo(b);
        assertThat(tree.previousSibling(a)).isZero();
        assertThat(tree.nextSibling(c)).isZero();
        assertThat(tree.parent(b)).isEqualTo(root);
        assertThat(tree.parent(root)).isZero();
        assertThat(tree.childCount(b)).isEqualTo(2);
        assertThat(tree.name(b)).isEqualTo("b");
        assertThat(tree.text(b)).isEqualTo("bee");
        assertThat(tree.text(a)).isNull();
        assertThat(tree.attributes(b)).containsExactly(Map.entry("z", "1"), Map.entry("y", "2"));
        assertThat(tree.attribute(b, "y")).isEqualTo("2");
        assertThat(tree.attribute(b, "x")).isNull();
        assertThat(tree.size()).isEqualTo(6);
        assertThat(tree.attributeCount()).isEqualTo(2);

        assertThat(tree.setAttribute(b, "x", "3")).isTrue();
        assertThat(tree.setAttribute(b, "z", "one")).isFalse();
        assertThat(tree.removeAttribute(b, "y")).isTrue();
        assertThat(tree.removeAttribute(b, "y")).isFalse();
        assertThat(tree.attributes(b)).containsExactly(Map.entry("z", "one"), Map.entry("x", "3"));
        tree.setText(b, null);
        tree.rename(a, "alpha");
        tree.move(c, b, tree.firstChild(b));
        assertThat(TreeModel.render(tree.snapshot(root))).isEqualTo(
                "<doc><alpha></alpha><b z=\"one\" x=\"3\"><c></c><b1></b1><b2></b2></b></doc>");
        long modCount = tree.modCount();
        assertThat(tree.remove(b)).isEqualTo(4);
        assertThat(tree.modCount()).isEqualTo(modCount + 1);
        assertThat(tree.snapshot(root)).isEqualTo(NodeData.of("doc").withChild(NodeData.of("alpha")));
        assertThat(tree.size()).isEqualTo(2);
        assertThat(tree.attributeCount()).isZero();
        assertThat(tree.check().orThrow().nodes()).isEqualTo(2);
    }

    @Test
    void theReadmeSnippetRuns() {
        NodeTree doc = NodeTree.create(transactions, "mailbox");
        dev.mappedheap.structs.roots.NamedRoots.open(heap).put("mailbox", doc.headerOffset());
        long inbox = doc.insert(doc.root(), 0, NodeData.of("folder").withAttribute("name", "INBOX"));
        doc.setText(inbox, "42 messages");
        try (Transaction tx = transactions.begin()) {
            doc.insert(tx, inbox, 0, NodeData.of("message").withText("Hello"));
            doc.setAttribute(tx, inbox, "unseen", "1");
            tx.commit();
        }
        NodeData snapshot = doc.snapshot(doc.root());
        assertThat(TreeModel.render(snapshot)).isEqualTo("<mailbox><folder name=\"INBOX\" unseen=\"1\">[42 messages]"
                + "<message>[Hello]</message></folder></mailbox>");
    }

    @Test
    void removingASubtreeFreesEveryBlockOfIt() {
        long before = heap.stats().liveBlocks();
        long section = tree.insert(root, 0, TreeModel.randomData(new java.util.SplittableRandom(5), 200));
        assertThat(heap.stats().liveBlocks()).isGreaterThan(before + 200);
        tree.remove(section);
        assertThat(heap.stats().liveBlocks()).isEqualTo(before);
        assertThat(heap.check().ok()).isTrue();
    }

    @Test
    void refusesWhatWouldBreakTheTree() {
        long a = tree.appendChild(root, "a");
        long b = tree.appendChild(a, "b");
        long modCount = tree.modCount();
        assertThatThrownBy(() -> tree.remove(root)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("root cannot be removed");
        assertThatThrownBy(() -> tree.move(root, a, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("root cannot be moved");
        assertThatThrownBy(() -> tree.move(a, b, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("its own subtree");
        assertThatThrownBy(() -> tree.move(a, a, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("its own subtree");
        assertThatThrownBy(() -> tree.insert(root, b, NodeData.of("x"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before is not a child of parent");
        assertThatThrownBy(() -> tree.text(b + 16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a node of this tree");
        assertThatThrownBy(() -> tree.text(tree.headerOffset())).isInstanceOf(IllegalArgumentException.class);
        NodeTree other = NodeTree.create(transactions, "other");
        assertThatThrownBy(() -> tree.appendChild(other.root(), "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another tree");
        assertThat(tree.modCount()).isEqualTo(modCount);
        assertThat(tree.check().ok()).isTrue();
        assertThat(other.check().ok()).isTrue();
    }

    @Test
    void aNodeRemovedInATransactionCannotBeUsedLaterInIt() {
        long a = tree.appendChild(root, "a");
        try (Transaction tx = transactions.begin()) {
            tree.remove(tx, a);
            assertThatThrownBy(() -> tree.setText(tx, a, "x")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("removed");
            tx.commit();
        }
        assertThatThrownBy(() -> tree.name(a)).isInstanceOf(IllegalArgumentException.class);
        assertThat(tree.check().orThrow().nodes()).isEqualTo(1);
    }

    @Test
    void anExceptionUndoesEveryMutationOfItsTransaction() {
        long a = tree.appendChild(root, "a");
        tree.setText(a, "kept");
        NodeData before = tree.snapshot(root);
        long liveBlocks = heap.stats().liveBlocks();
        long modCount = tree.modCount();
        assertThatThrownBy(() -> {
            try (Transaction tx = transactions.begin()) {
                tree.insert(tx, a, 0, NodeData.of("new").withText("t").withAttribute("k", "v"));
                tree.setText(tx, a, "changed, and longer than the block it had before it");
                tree.setAttribute(tx, root, "k", "v");
                tree.remove(tx, a);
                throw new IllegalStateException("midway");
            }
        }).hasMessage("midway");
        assertThat(tree.snapshot(root)).isEqualTo(before);
        assertThat(tree.modCount()).isEqualTo(modCount);
        assertThat(heap.stats().liveBlocks()).isEqualTo(liveBlocks);
        assertThat(tree.check().ok()).isTrue();
    }

    @Test
    void aReaderWaitsForAnUncommittedChange() throws Exception {
        long a = tree.appendChild(root, "a");
        tree.setText(a, "old");
        CompletableFuture<String> read;
        try (Transaction tx = transactions.begin()) {
            tree.setText(tx, a, "new");
            read = CompletableFuture.supplyAsync(() -> tree.text(a));
            Thread.sleep(200);
            assertThat(read).as("the reader waits for the lock").isNotDone();
            tx.commit();
        }
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("new");
    }

    @Test
    void reopensFromItsHeaderOffset() {
        tree.insert(root, 0, NodeData.of("kept").withText("text"));
        NodeData before = tree.snapshot(root);
        Path file = heap.file();
        long header = tree.headerOffset();
        long table = transactions.offset();
        heap.close();
        heap = MappedHeap.open(file);
        transactions = Transactions.open(heap, table);
        tree = NodeTree.open(transactions, header);
        assertThat(tree.snapshot(tree.root())).isEqualTo(before);
    }

    @Test
    void refusesToOpenWhatIsNotANodeTree() {
        long header = tree.headerOffset();
        assertThatThrownBy(() -> NodeTree.open(transactions, header + 16)).isInstanceOf(NodeTreeFormatException.class)
                .hasMessageContaining("not a live heap block");
        long small = heap.allocate(64);
        assertThatThrownBy(() -> NodeTree.open(transactions, small)).isInstanceOf(NodeTreeFormatException.class)
                .hasMessageContaining("too small").hasMessageContaining("foundSize=");
        long map = OrderedLongMap.create(heap, 8).headerOffset();
        assertThatThrownBy(() -> NodeTree.open(transactions, map)).isInstanceOf(NodeTreeFormatException.class)
                .hasMessageContaining("not a node tree").hasMessageContaining("foundMagic=0x");
        for (var field : List.of(
                Map.entry(TreeHeaderLayout.FORMAT_VERSION_OFFSET, "formatVersion"),
                Map.entry(TreeHeaderLayout.HEADER_LENGTH_OFFSET, "headerLength"),
                Map.entry(TreeHeaderLayout.NODE_TYPE_TAG_OFFSET, "nodeTypeTag"),
                Map.entry(TreeHeaderLayout.ATTRIBUTE_TYPE_TAG_OFFSET, "attributeTypeTag"),
                Map.entry(TreeHeaderLayout.NODE_VERSION_OFFSET, "nodeVersion"),
                Map.entry(TreeHeaderLayout.ATTRIBUTE_VERSION_OFFSET, "attributeVersion"))) {
            int good = heap.readInt(header + field.getKey());
            heap.writeInt(header + field.getKey(), good + 1);
            assertThatThrownBy(() -> NodeTree.open(transactions, header)).as(field.getValue())
                    .isInstanceOf(NodeTreeFormatException.class)
                    .hasMessageContaining("expected " + field.getValue() + "=" + good)
                    .hasMessageContaining("found " + field.getValue() + "=" + (good + 1));
            heap.writeInt(header + field.getKey(), good);
        }
        long checksum = heap.readLong(header + TreeHeaderLayout.HEADER_CHECKSUM_OFFSET);
        heap.writeLong(header + TreeHeaderLayout.HEADER_CHECKSUM_OFFSET, checksum ^ 1);
        assertThatThrownBy(() -> NodeTree.open(transactions, header)).isInstanceOf(NodeTreeCorruptedException.class)
                .hasMessageContaining("checksum");
        heap.writeLong(header + TreeHeaderLayout.HEADER_CHECKSUM_OFFSET, checksum);
        assertThat(NodeTree.open(transactions, header).check().ok()).isTrue();
    }

    @Test
    void checkReportsBrokenLinksAndEndsOnCycles() {
        long a = tree.appendChild(root, "a");
        long b = tree.appendChild(root, "b");
        long c = tree.appendChild(root, "c");
        int prev = 48;
        int next = 56;
        heap.writeLong(c + prev, a); // c's prevSibling should be b
        assertThat(tree.check().problems()).anyMatch(p -> p.contains("prevSibling does not point back"));
        heap.writeLong(c + prev, b);
        heap.writeLong(c + next, a); // a sibling cycle a -> b -> c -> a
        NodeTreeCheckReport report = tree.check();
        assertThat(report.ok()).isFalse();
        assertThat(report.problems()).anyMatch(p -> p.contains("child list disagrees with childCount"));
        assertThatThrownBy(report::orThrow).isInstanceOf(NodeTreeCorruptedException.class);
        heap.writeLong(c + next, 0);
        heap.writeLong(tree.headerOffset() + TreeHeaderLayout.NODE_COUNT_OFFSET, 7);
        assertThat(tree.check().problems()).anyMatch(p -> p.contains("nodeCount=7 found=4"));
        heap.writeLong(tree.headerOffset() + TreeHeaderLayout.NODE_COUNT_OFFSET, 4);
        heap.writeLong(b + 32, root); // b's firstChild: the root, a loop upwards
        heap.writeLong(b + 64, 1);
        assertThat(tree.check().problems()).anyMatch(p -> p.contains("reached twice") || p.contains("parent link"));
    }
}
