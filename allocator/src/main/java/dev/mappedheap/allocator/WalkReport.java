package dev.mappedheap.allocator;

/**
 * What a {@link MappedHeap#walk(BlockVisitor) walk} of the blocks saw: of one moment of the heap unless
 * {@link #changedDuringWalk()}. A walk that meets a block whose size
 * breaks the tiling (too small, or running past the top) stops there and says so instead of throwing.
 *
 * @param heapStart offset of the first block
 * @param top where the blocks end and the top (never used) region begins
 * @param capacity bytes of the file the heap manages
 * @param liveBlocks blocks in use visited
 * @param liveBytes bytes of blocks in use visited, headers included
 * @param freeBlocks free blocks visited
 * @param freeBytes bytes of free blocks visited (the top region not included)
 * @param stoppedAt offset of the unreadable block head where the walk stopped, or -1 when it reached the top
 * @param problem why the walk stopped, with the facts as {@code name=value}; null when it reached the top
 * @param changedDuringWalk true when another operation changed the blocks between two of the walk's batches:
 *     every block reported was a block when it was read, but blocks changed meanwhile may be missing or
 *     reported in an older shape, and the counts are not one moment's figures
 */
public record WalkReport(long heapStart, long top, long capacity, long liveBlocks, long liveBytes, long freeBlocks,
        long freeBytes, long stoppedAt, String problem, boolean changedDuringWalk) {

    /** @return true when the walk reached the top: every block from the first to the top was visited */
    public boolean complete() {
        return problem == null;
    }

    /** @return blocks visited */
    public long blocks() {
        return liveBlocks + freeBlocks;
    }
}
