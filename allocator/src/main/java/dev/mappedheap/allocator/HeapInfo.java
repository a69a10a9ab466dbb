package dev.mappedheap.allocator;

/**
 * The header fields of an open heap file, read together under the heap lock: the fixed ones written at
 * creation and the current capacity, top and root. See docs/FORMAT.md section 1.
 *
 * @param formatVersion the file's format version
 * @param heapStart offset of the first block (the header and journal lie before it)
 * @param journalOffset offset of the undo journal's first entry
 * @param journalCapacity entries in the undo journal
 * @param salt the random value mixed into every block's check word
 * @param growthIncrement bytes the file grows by when nothing fits
 * @param maxSize the largest capacity the file may grow to ({@link #UNBOUNDED} when unbounded)
 * @param capacity bytes of the file the heap manages now
 * @param top start of the top region, never used or given back, which runs to {@code capacity}
 * @param root the user's table-of-contents offset, 0 when none
 * @param journalSeq the journal's commit word: how many operations changed metadata, plus one
 */
public record HeapInfo(int formatVersion, long heapStart, long journalOffset, int journalCapacity, long salt,
        long growthIncrement, long maxSize, long capacity, long top, long root, long journalSeq) {

    /** The {@code maxSize} of a heap whose growth is bounded only by the disk. */
    public static final long UNBOUNDED = 0x7FFFFFFFFFFFF000L;

    /** @return true when the heap may grow until the disk is full */
    public boolean unbounded() {
        return maxSize == UNBOUNDED;
    }
}
