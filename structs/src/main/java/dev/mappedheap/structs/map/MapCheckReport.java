// Structs layer, map: what OrderedLongMap.check() found.
package dev.mappedheap.structs.map;

import java.util.List;

/**
 * What {@link OrderedLongMap#check()} found: the first problems it saw (at most
 * {@link #MAX_PROBLEMS}), each a sentence with the facts as {@code name=value} pairs, and counts of what it
 * walked.
 *
 * @param problems one line per problem; empty when the map is consistent
 * @param nodes nodes walked
 * @param leaves leaves walked
 * @param entries entries found in the leaves
 * @param height the height the header gives
 */
public record MapCheckReport(List<String> problems, long nodes, long leaves, long entries, int height) {
    /** The walk stops collecting after this many problems: the first few say what went wrong. */
    public static final int MAX_PROBLEMS = 10;

    /** Copies the list so the report cannot change after it is made. */
    public MapCheckReport {
        problems = List.copyOf(problems);
    }

    /** @return true when no problem was found */
    public boolean ok() {
        return problems.isEmpty();
    }

    /**
     * @return this report, if it found no problem
     * @throws MapCorruptedException naming the problems found
     */
    public MapCheckReport orThrow() {
        if (!ok()) {
            throw new MapCorruptedException("map check failed: " + this);
        }
        return this;
    }

    @Override
    public String toString() {
        return ok()
                ? "MapCheckReport{ok height=" + height + " nodes=" + nodes + " leaves=" + leaves + " entries=" + entries + "}"
                : "MapCheckReport{" + problems.size() + " problems: " + String.join("; ", problems) + "}";
    }
}
