package dev.mappedheap.allocator;

import java.util.List;

/**
 * What {@link MappedHeap#repair()} found and did.
 *
 * @param before the check run before anything was changed
 * @param rebuilt one line per kind of metadata rewritten, with counts ({@code "free lists: 12 words"}); empty
 *     when the heap needed nothing
 * @param unreadable the ranges whose block boundary tags could not be read, in file order, and what became
 *     of each
 * @param after the check run after the repair; {@code after.ok()} says whether problems remain
 */
public record RepairReport(CheckReport before, List<String> rebuilt, List<UnreadableRange> unreadable,
        CheckReport after) {

    /** Copies the lists so the report cannot change after it is made. */
    public RepairReport {
        rebuilt = List.copyOf(rebuilt);
        unreadable = List.copyOf(unreadable);
    }

    /** @return true when the heap passes {@link MappedHeap#check()} after the repair */
    public boolean ok() {
        return after.ok();
    }

    /** @return true when the repair changed the file */
    public boolean changed() {
        return !rebuilt.isEmpty() || !unreadable.isEmpty();
    }

    /**
     * A range of the block region whose boundary tags could not be trusted.
     *
     * @param offset where the first unreadable head was
     * @param length bytes up to the next block whose tags could be read (or the top)
     * @param reason why the head was rejected, with the facts as {@code name=value}
     * @param quarantinedPayload the payload offset of the block in use that now covers the range, its bytes
     *     (after the first 16) untouched so they can be inspected and then freed; 0 when the range was too
     *     short to hold a block and was given to the top
     */
    public record UnreadableRange(long offset, long length, String reason, long quarantinedPayload) {}
}
