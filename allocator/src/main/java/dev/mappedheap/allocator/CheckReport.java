package dev.mappedheap.allocator;

import java.util.List;

/**
 * What {@link MappedHeap#check()} found: every problem it saw, each one a sentence with the facts as
 * {@code name=value} pairs, plus counts of what it walked.
 *
 * @param problems one line per problem; empty when the heap is consistent
 * @param blocksWalked blocks visited walking the heap from its first block to the top
 * @param freeListBlocks blocks found on the exact-size free lists
 * @param treeNodes blocks found in the free-block tree
 */
public record CheckReport(List<String> problems, long blocksWalked, long freeListBlocks, long treeNodes) {

    /** Copies the list so the report cannot change after it is made. */
    public CheckReport {
        problems = List.copyOf(problems);
    }

    /** @return true when no problem was found */
    public boolean ok() {
        return problems.isEmpty();
    }

    @Override
    public String toString() {
        return ok()
                ? "CheckReport{ok blocks=" + blocksWalked + " listed=" + freeListBlocks + " treeNodes=" + treeNodes + "}"
                : "CheckReport{" + problems.size() + " problems: " + String.join("; ", problems) + "}";
    }
}
