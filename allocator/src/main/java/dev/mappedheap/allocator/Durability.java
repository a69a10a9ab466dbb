package dev.mappedheap.allocator;

/**
 * What a heap handle promises about power loss, chosen per open with {@link HeapOptions#durability}.
 *
 * <p>Against a <em>process</em> crash ({@code kill -9}, an uncaught error) both modes are the same: every
 * store to the mapping is in the kernel's page cache the moment it is made, so every operation that returned
 * survives, and an interrupted one is rolled back by the next locker. The modes differ only in what survives
 * an <em>OS crash or power loss</em>, which can drop any page not yet written to the device, in any order.
 */
public enum Durability {
    /**
     * The default: nothing is flushed until the program calls {@link MappedHeap#sync()}. After a power loss,
     * the heap holds everything up to the last completed {@code sync()}; what changed after it may have
     * reached the device partly and in any order, so run {@link MappedHeap#check()} before trusting a heap
     * that was modified after its last sync. Costs nothing per operation.
     */
    EXPLICIT_SYNC,

    /**
     * Every allocator operation ({@code allocate}, {@code free}, {@code reallocate}, {@code setRoot}, ...) is
     * on the device when it returns, with everything written to the heap before it: each undo-journal entry
     * is flushed before the word it guards changes, everything is flushed before the commit word is stored,
     * and the commit word is flushed after. After a power loss the heap holds every operation that returned
     * and is consistent; an operation cut short is rolled back on open. Costs several {@code msync} calls,
     * each a device write, per operation (see the README's figures).
     */
    SYNC_EACH_OPERATION
}
