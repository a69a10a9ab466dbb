package dev.mappedheap.structs.tree;

import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.roots.NamedRoots;
import dev.mappedheap.structs.tx.Transactions;

/** The heap files of the multi-step tests: a transaction table and one tree, found by name in the named roots. */
final class TreeFiles {
    private TreeFiles() {}

    /** Creates a transaction table ({@code tx}) and a tree ({@code doc}) in a new heap. */
    static NodeTree createDocument(MappedHeap heap, int slots) {
        NamedRoots roots = NamedRoots.open(heap);
        Transactions transactions = Transactions.create(heap, slots);
        roots.put("tx", transactions.offset());
        NodeTree tree = NodeTree.create(transactions, "doc");
        roots.put("doc", tree.headerOffset());
        return tree;
    }

    /** Opens what {@link #createDocument} made, recovering dead processes' transactions. */
    static NodeTree openDocument(MappedHeap heap) {
        NamedRoots roots = NamedRoots.open(heap);
        Transactions transactions = Transactions.open(heap, roots.get("tx").orElseThrow());
        return NodeTree.open(transactions, roots.get("doc").orElseThrow());
    }

    /** @return live blocks of the heap that are not the tree's: they must stay the same however the tree changes */
    static long fixedBlocks(MappedHeap heap, NodeTree tree) {
        return heap.stats().liveBlocks() - tree.check().orThrow().blocks();
    }
}
