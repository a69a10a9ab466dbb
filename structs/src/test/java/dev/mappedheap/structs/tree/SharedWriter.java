package dev.mappedheap.structs.tree;

import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.tx.Transaction;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Child JVM for {@link NodeTreeProcessesTest}: {@code FILE NAME} appends entries {@code <entry by=NAME n=k>}
 * under the root of the shared tree, removing its own oldest entry every third time, and keeps the root's
 * attribute {@code count-NAME} equal to its live entries, each step one transaction, until a {@code stop}
 * line on stdin. Prints {@code ready}, {@code ops N} every 50 ms, then {@code done ops=N}.
 */
final class SharedWriter {
    private SharedWriter() {}

    public static void main(String[] args) throws Exception {
        String name = args[1];
        AtomicBoolean stop = new AtomicBoolean();
        Thread stdin = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                while (!"stop".equals(in.readLine())) {
                    Thread.onSpinWait();
                }
            } catch (Exception ignored) {
                // stop on a closed stdin too
            }
            stop.set(true);
        });
        stdin.setDaemon(true);
        stdin.start();
        long ops = 0;
        try (MappedHeap heap = MappedHeap.open(Path.of(args[0]))) {
            NodeTree tree = TreeFiles.openDocument(heap);
            long root = tree.root();
            System.out.println("ready");
            long lastReport = 0;
            while (!stop.get()) {
                ops++;
                try (Transaction tx = tree.transactions().begin()) {
                    tree.insert(tx, root, 0, NodeData.of("entry").withAttribute("by", name)
                            .withAttribute("n", Long.toString(ops)).withText("entry " + ops + " of " + name));
                    if (ops % 3 == 0) {
                        tree.remove(tx, oldest(tree, root, name));
                    }
                    tree.setAttribute(tx, root, "count-" + name, Long.toString(ops - ops / 3));
                    tx.commit();
                }
                long now = System.nanoTime();
                if (now - lastReport > 50_000_000) {
                    System.out.println("ops " + ops);
                    System.out.flush();
                    lastReport = now;
                }
            }
        }
        System.out.println("done ops=" + ops);
        System.out.flush();
        System.exit(0);
    }

    private static long oldest(NodeTree tree, long root, String name) {
        for (long child = tree.firstChild(root); child != 0; child = tree.nextSibling(child)) {
            if (name.equals(tree.attribute(child, "by"))) {
                return child;
            }
        }
        throw new IllegalStateException("no entry of " + name + " to remove");
    }
}
