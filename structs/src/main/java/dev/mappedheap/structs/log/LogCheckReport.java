// Structs layer, log: what HeapLog.check() found.
package dev.mappedheap.structs.log;

import java.util.List;

/**
 * What {@link HeapLog#check()} found: the first problems it saw (at most {@link #MAX_PROBLEMS}), each a
 * sentence with the facts as {@code name=value} pairs, and counts of what it walked.
 *
 * @param problems one line per problem; empty when the log is consistent
 * @param segments segments in the chain, the one appends go to included
 * @param blocks heap blocks the log owns: the header, the segments, and a next segment set up in advance
 * @param entries entries found in the segments (acknowledged by everyone or not)
 * @param listeners registered listeners
 */
public record LogCheckReport(List<String> problems, long segments, long blocks, long entries, int listeners) {
    /** The walk stops collecting after this many problems: the first few say what went wrong. */
    public static final int MAX_PROBLEMS = 10;

    /** Copies the list so the report cannot change after it is made. */
    public LogCheckReport {
        problems = List.copyOf(problems);
    }

    /** @return true when no problem was found */
    public boolean ok() {
        return problems.isEmpty();
    }

    /**
     * @return this report, if it found no problem
     * @throws LogCorruptedException naming the problems found
     */
    public LogCheckReport orThrow() {
        if (!ok()) {
            throw new LogCorruptedException("log check failed: " + this);
        }
        return this;
    }

    @Override
    public String toString() {
        return ok()
                ? "LogCheckReport{ok segments=" + segments + " blocks=" + blocks + " entries=" + entries
                        + " listeners=" + listeners + "}"
                : "LogCheckReport{" + problems.size() + " problems: " + String.join("; ", problems) + "}";
    }
}
