package dev.mappedheap.structs.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.ChildJvm;
import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.allocator.RunningChild;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two child JVMs write one tree at the same time ({@link SharedWriter}: append an entry, remove their own
 * oldest every third step, keep a count on the root, each step one transaction) while this JVM reads it.
 * Every snapshot this JVM takes must be a state between two transactions: each writer's entries are
 * consecutive, in order, and as many as its count says. At the end {@code check()} is clean, the counts match
 * the steps each writer reports, and the heap holds exactly the tree's blocks plus the fixed ones.
 */
class NodeTreeProcessesTest {
    private static final List<String> WRITERS = List.of("left", "right");

    @TempDir
    Path dir;

    @Test
    void twoWriterProcessesAndAReaderSeeOnlyWholeTransactions() throws Exception {
        Path file = dir.resolve("shared.heap");
        try (MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults())) {
            NodeTree tree = TreeFiles.createDocument(heap, 8);
            long fixedBlocks = TreeFiles.fixedBlocks(heap, tree);
            List<RunningChild> children = new ArrayList<>();
            try {
                for (String name : WRITERS) {
                    children.add(RunningChild.start(name, ChildJvm.command(SharedWriter.class, file.toString(), name)));
                }
                for (RunningChild child : children) {
                    child.awaitLine("ready", 60_000);
                }
                int snapshots = 0;
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (System.nanoTime() < deadline
                        && (children.get(0).ops() < 300 || children.get(1).ops() < 300 || snapshots < 20)) {
                    assertWholeTransactions(tree.snapshot(tree.root()));
                    snapshots++;
                    Thread.sleep(10);
                }
                assertThat(children).allSatisfy(child -> assertThat(child.ops()).as("%s", child).isPositive());
                Map<String, Long> done = new HashMap<>();
                for (RunningChild child : children) {
                    child.send("stop");
                }
                for (int i = 0; i < children.size(); i++) {
                    RunningChild child = children.get(i);
                    assertThat(child.awaitExit(60)).as(child.output()).isZero();
                    done.put(WRITERS.get(i), Long.parseLong(child.awaitLine("done", 1000).substring("done ops=".length())));
                }
                NodeData last = tree.snapshot(tree.root());
                Map<String, Long> counts = assertWholeTransactions(last);
                for (String name : WRITERS) {
                    long ops = done.get(name);
                    assertThat(counts.get(name)).as(name).isEqualTo(ops - ops / 3);
                }
                NodeTreeCheckReport report = tree.check();
                assertThat(report.ok()).as("%s", report).isTrue();
                assertThat(heap.stats().liveBlocks()).isEqualTo(fixedBlocks + report.blocks());
                System.out.printf("node tree, two writer processes: %s steps, %d snapshots read meanwhile, %d nodes%n",
                        done, snapshots, report.nodes());
            } finally {
                children.forEach(RunningChild::close);
            }
        }
    }

    /** @return live entries per writer, after checking they are consecutive and agree with the root's counts */
    private static Map<String, Long> assertWholeTransactions(NodeData root) {
        Map<String, Long> counts = new HashMap<>();
        Map<String, Long> lastN = new HashMap<>();
        for (NodeData entry : root.children()) {
            String by = entry.attributes().get("by");
            long n = Long.parseLong(entry.attributes().get("n"));
            assertThat(entry.text()).isEqualTo("entry " + n + " of " + by);
            Long previous = lastN.put(by, n);
            if (previous != null) {
                assertThat(n).as("entries of %s consecutive", by).isEqualTo(previous + 1);
            }
            counts.merge(by, 1L, Long::sum);
        }
        for (String name : WRITERS) {
            String count = root.attributes().get("count-" + name);
            assertThat(counts.getOrDefault(name, 0L)).as("entries of %s against its count", name)
                    .isEqualTo(count == null ? 0 : Long.parseLong(count));
            counts.putIfAbsent(name, 0L);
        }
        return counts;
    }
}
