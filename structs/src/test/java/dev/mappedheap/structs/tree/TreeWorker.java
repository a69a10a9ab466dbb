package dev.mappedheap.structs.tree;

import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.tx.Transaction;
import dev.mappedheap.structs.tx.Transactions;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Child JVM for {@link NodeTreeKillTest}: {@code FILE SEED} opens the tree named {@code doc}, then runs
 * {@link TreeModel#step random operations} from {@code SEED} until killed, each in a transaction that also
 * sets the root's {@code progress} attribute to {@code SEED:k} (k = operations so far), so the committed
 * prefix can be replayed. Prints {@code ready}, then {@code ops N} every 50 ms.
 */
final class TreeWorker {
    static final String PROGRESS = "progress";
    static final int MAX_NODES = 150;

    private TreeWorker() {}

    public static void main(String[] args) {
        long seed = Long.parseLong(args[1]);
        MappedHeap heap = MappedHeap.open(Path.of(args[0]));
        NodeTree tree = TreeFiles.openDocument(heap);
        Transactions transactions = tree.transactions();
        TreeModel model = TreeModel.of(tree, MAX_NODES);
        SplittableRandom random = new SplittableRandom(seed);
        System.out.println("ready");
        long lastReport = 0;
        for (long k = 1; ; k++) {
            try (Transaction tx = transactions.begin()) {
                model.step(random, tree, tx);
                tree.setAttribute(tx, tree.root(), PROGRESS, seed + ":" + k);
                model.root.attributes.put(PROGRESS, seed + ":" + k);
                tx.commit();
            }
            long now = System.nanoTime();
            if (now - lastReport > 50_000_000) {
                System.out.println("ops " + k);
                System.out.flush();
                lastReport = now;
            }
        }
    }
}
