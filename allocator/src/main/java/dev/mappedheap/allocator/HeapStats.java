package dev.mappedheap.allocator;

/**
 * A snapshot of the heap's usage, read under the heap's lock so the figures agree with each other.
 *
 * <p>{@code capacity = metadataBytes + usedBytes + freeBytes}: the file's header and journal, the blocks in
 * use (each with its 16-byte header), and every free byte (free blocks and the unused top of the file).
 *
 * @param capacity bytes of the file the heap manages
 * @param metadataBytes bytes of the header and journal before the first block
 * @param usedBytes bytes of blocks in use, headers included
 * @param freeBytes bytes in free blocks and the top of the heap
 * @param liveBlocks blocks in use
 * @param freeBlocks free blocks in the lists and the tree (the top of the heap not counted)
 * @param largestFreeBlock the largest request that would succeed without growing the file
 * @param topBytes bytes in the top (never yet allocated, or returned) region at the end of the file
 * @param lockTakeovers times, over the file's life, that a process found the heap lock's holder dead and took
 *     the lock over
 * @param recoveries times, over the file's life, that an operation interrupted by a crash (or by a failure
 *     that could not be undone on the spot) was rolled back from the journal
 */
public record HeapStats(
        long capacity,
        long metadataBytes,
        long usedBytes,
        long freeBytes,
        long liveBlocks,
        long freeBlocks,
        long largestFreeBlock,
        long topBytes,
        long lockTakeovers,
        long recoveries) {

    /** @return bytes of the file in use up to the start of the top region: what a compacted file would need */
    public long extentBytes() {
        return capacity - topBytes;
    }
}
