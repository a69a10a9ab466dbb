package dev.mappedheap.allocator;

/**
 * Receives each block of a {@link MappedHeap#walk(BlockVisitor) walk}, in file order.
 *
 * <p>Called with no lock held, after a batch of blocks was read under the heap lock: it may take its time,
 * read and write blocks, and call the heap's operations. A block reported may have changed since it was
 * read if anything else works on the heap meanwhile.
 */
@FunctionalInterface
public interface BlockVisitor {
    /**
     * @param offset the block's offset (its head word); its payload starts 16 bytes later
     * @param size the block's size in bytes, its 16-byte header included; at least 32
     * @param inUse true for a block in use (allocated), false for a free block
     */
    void visit(long offset, long size, boolean inUse);
}
