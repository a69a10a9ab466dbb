// Structs layer, node tree: what NodeTree.check() found.
package dev.mappedheap.structs.tree;

import java.util.List;

/**
 * What {@link NodeTree#check()} found: the first problems it saw (at most {@link #MAX_PROBLEMS}), each a
 * sentence with the facts as {@code name=value} pairs, and counts of what it walked.
 *
 * @param problems one line per problem; empty when the tree is consistent
 * @param nodes node records reached from the root
 * @param attributes attribute records reached
 * @param blocks heap blocks the tree holds: the header, every node and attribute record and every string
 *     block they own; compare with {@link dev.mappedheap.allocator.HeapStats#liveBlocks()} to find leaks
 */
public record NodeTreeCheckReport(List<String> problems, long nodes, long attributes, long blocks) {
    /** The walk stops collecting after this many problems: the first few say what went wrong. */
    public static final int MAX_PROBLEMS = 10;

    /** Copies the list so the report cannot change after it is made. */
    public NodeTreeCheckReport {
        problems = List.copyOf(problems);
    }

    /** @return true when no problem was found */
    public boolean ok() {
        return problems.isEmpty();
    }

    /**
     * @return this report, if it found no problem
     * @throws NodeTreeCorruptedException naming the problems found
     */
    public NodeTreeCheckReport orThrow() {
        if (!ok()) {
            throw new NodeTreeCorruptedException("node tree check failed: " + this);
        }
        return this;
    }

    @Override
    public String toString() {
        return ok()
                ? "NodeTreeCheckReport{ok nodes=" + nodes + " attributes=" + attributes + " blocks=" + blocks + "}"
                : "NodeTreeCheckReport{" + problems.size() + " problems: " + String.join("; ", problems) + "}";
    }
}
