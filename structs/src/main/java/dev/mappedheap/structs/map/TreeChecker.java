// Structs layer, map: the full invariant check behind OrderedLongMap.check().
package dev.mappedheap.structs.map;

import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.MappedHeap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks the whole tree once and compares it with every invariant of the format: each node a live heap block
 * of the node size with the right tag, level and a count within its capacity and fill limits; keys strictly
 * ascending within each node and inside the range the separators above give them (hence across nodes);
 * every subtree count equal to the entries under it; the leaf chain, both ways, equal to the in-order leaves;
 * every leaf at the same depth (the walk expects level 0 exactly {@code height - 1} steps down); the header's
 * size equal to the entries found. Read-only. Bounded: recursion by the height, nodes by a visited set (a
 * node reached twice is reported, not walked again), and the walk stops after
 * {@link MapCheckReport#MAX_PROBLEMS} problems.
 */
final class TreeChecker {
    private final MappedHeap heap;
    private final NodeReader nodes;
    private final MapHeader header;
    private final NodeGeometry geometry;
    private final List<String> problems = new ArrayList<>();
    private final Set<Long> seen = new HashSet<>();
    private final List<Long> leaves = new ArrayList<>();

    TreeChecker(NodeReader nodes, MapHeader header) {
        this.heap = nodes.heap;
        this.nodes = nodes;
        this.header = header;
        this.geometry = nodes.geometry;
    }

    MapCheckReport run() {
        int height = 0;
        long entries = 0;
        try {
            height = header.height();
            long size = header.size();
            entries = walk(header.root(), height - 1, true, Long.MIN_VALUE, false, Long.MAX_VALUE, false);
            if (entries >= 0 && entries != size && room()) {
                problems.add("map size disagrees with the entries in the leaves: size=" + size + " entries=" + entries);
            }
            checkLeafChain();
        } catch (HeapException e) {
            problem(e.getMessage());
        }
        return new MapCheckReport(problems, seen.size(), leaves.size(), Math.max(entries, 0), height);
    }

    /** @return entries under {@code node}, or -1 if the node could not be read */
    private long walk(long node, int level, boolean root, long low, boolean hasLow, long high, boolean hasHigh) {
        if (!room()) {
            return -1;
        }
        if (!seen.add(node)) {
            problem("node reached twice (shared or cyclic link): node=" + node + " level=" + level);
            return -1;
        }
        int count;
        try {
            long usable = heap.usableSize(node);
            if (usable < geometry.nodeSize) {
                problem("node block smaller than the node size: node=" + node + " usable=" + usable
                        + " nodeSize=" + geometry.nodeSize);
                return -1;
            }
            count = nodes.count(node, level);
        } catch (HeapException e) {
            problem("unreadable node: " + e.getMessage());
            return -1;
        }
        int min = root ? (level == 0 ? 0 : 2) : geometry.minFill(level);
        if (count < min) {
            problem("node underfull: node=" + node + " level=" + level + " count=" + count + " min=" + min);
        }
        return level == 0
                ? walkLeaf(node, count, low, hasLow, high, hasHigh)
                : walkBranch(node, level, count, low, hasLow, high, hasHigh);
    }

    private long walkLeaf(long leaf, int count, long low, boolean hasLow, long high, boolean hasHigh) {
        leaves.add(leaf);
        for (int s = 0; s < count; s++) {
            long key = nodes.leafKey(leaf, s);
            if (s > 0 && key <= nodes.leafKey(leaf, s - 1)) {
                problem("leaf keys not ascending: leaf=" + leaf + " slot=" + s + " key=" + key
                        + " previous=" + nodes.leafKey(leaf, s - 1));
            }
            if ((hasLow && key < low) || (hasHigh && key >= high)) {
                problem("leaf key outside the range its separators give: leaf=" + leaf + " slot=" + s + " key="
                        + key + " range=[" + (hasLow ? low : "-inf") + ", " + (hasHigh ? high : "+inf") + ")");
            }
        }
        return count;
    }

    private long walkBranch(long branch, int level, int count, long low, boolean hasLow, long high, boolean hasHigh) {
        if (nodes.prev(branch) != 0 || nodes.next(branch) != 0) {
            problem("branch has leaf links set: node=" + branch + " level=" + level);
        }
        long sum = 0;
        for (int i = 0; i < count && room(); i++) {
            long separator = nodes.branchKey(branch, i);
            if (i >= 1 && ((hasLow && separator < low) || (hasHigh && separator >= high))) {
                problem("separator outside the range of its node: node=" + branch + " index=" + i
                        + " separator=" + separator);
            }
            if (i >= 2 && separator <= nodes.branchKey(branch, i - 1)) {
                problem("separators not ascending: node=" + branch + " index=" + i + " separator=" + separator
                        + " previous=" + nodes.branchKey(branch, i - 1));
            }
            boolean childHasLow = i > 0 || hasLow;
            long childLow = i > 0 ? separator : low;
            boolean childHasHigh = i < count - 1 || hasHigh;
            long childHigh = i < count - 1 ? nodes.branchKey(branch, i + 1) : high;
            long stored = nodes.subtreeCount(branch, i);
            long found = walk(nodes.child(branch, i), level - 1, false, childLow, childHasLow, childHigh, childHasHigh);
            if (found >= 0 && found != stored) {
                problem("subtree count wrong: node=" + branch + " level=" + level + " index=" + i + " stored="
                        + stored + " entries=" + found);
            }
            sum += found >= 0 ? found : stored;
        }
        return sum;
    }

    private void checkLeafChain() {
        for (int j = 0; j < leaves.size() && room(); j++) {
            long leaf = leaves.get(j);
            long expectedPrev = j == 0 ? 0 : leaves.get(j - 1);
            long expectedNext = j == leaves.size() - 1 ? 0 : leaves.get(j + 1);
            long prev = nodes.prev(leaf);
            long next = nodes.next(leaf);
            if (prev != expectedPrev || next != expectedNext) {
                problem("leaf chain differs from the in-order leaves: leaf=" + leaf + " position=" + j + " prev="
                        + prev + " expectedPrev=" + expectedPrev + " next=" + next + " expectedNext=" + expectedNext);
            }
        }
    }

    private boolean room() {
        return problems.size() < MapCheckReport.MAX_PROBLEMS;
    }

    private void problem(String problem) {
        if (room()) {
            problems.add(problem);
        }
    }
}
