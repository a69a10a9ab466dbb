// Structs layer, map: the branches a mutation descended through, kept so it can climb back up.
package dev.mappedheap.structs.map;

/**
 * The root-to-leaf path of one {@code put} or {@code remove}: for each branch on the way (depth 0 is the
 * root), its offset, its count and the child taken. Reused from one mutation to the next, so a mutation
 * allocates nothing on the Java heap. Depth {@code d} holds a branch of level {@code height - 1 - d}.
 */
final class TreePath {
    final long[] nodes = new long[MapHeaderLayout.MAX_HEIGHT];
    final int[] counts = new int[MapHeaderLayout.MAX_HEIGHT];
    final int[] slots = new int[MapHeaderLayout.MAX_HEIGHT];
    int height;
    long leaf;
    int leafCount;

    /** Walks from the root to the leaf whose key range holds {@code key}, checking each node on the way. */
    void descend(NodeReader reader, MapHeader header, long key) {
        height = header.height();
        long node = header.root();
        for (int d = 0; d < height - 1; d++) {
            int count = reader.count(node, height - 1 - d);
            int slot = reader.childIndex(node, count, key);
            nodes[d] = node;
            counts[d] = count;
            slots[d] = slot;
            node = reader.child(node, slot);
        }
        leaf = node;
        leafCount = reader.count(node, 0);
    }

    /** Adds {@code delta} to the subtree count of the child taken at every depth above {@code depth}. */
    void addToAncestors(NodeWriter writer, int depth, long delta) {
        for (int d = 0; d < depth; d++) {
            writer.addSubtreeCount(nodes[d], slots[d], delta);
        }
    }
}
