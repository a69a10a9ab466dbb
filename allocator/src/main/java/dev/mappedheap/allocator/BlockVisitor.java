package dev.mappedheap.allocator;

/**
 * Receives each block of a {@link MappedHeap#walk(BlockVisitor) walk}, in file order.
 *
 * <p>Called while the heap lock is held: it may read the heap with the raw accessors, but must not call
 * the heap's allocator operations ({@code allocate}, {@code free}, {@code check}, ...), which would wait for
 * the lock this thread holds.
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
