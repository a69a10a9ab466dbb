package dev.mappedheap.allocator;

import dev.mappedheap.allocator.internal.HeapMemory;
import dev.mappedheap.allocator.journal.UndoJournal;

/**
 * Durability layer: the flushes of {@link Durability#SYNC_EACH_OPERATION}, installed on a handle's journal.
 * Each journal entry is flushed before the word it guards changes; every dirty page of the mapping (the
 * operation's changes and whatever the program wrote before it) is flushed before the store that retires
 * the entries; that store is flushed last. So the device holds, at every instant, either the state before
 * the operation with entries that undo nothing new, or a state the journal can roll back, or the operation
 * committed.
 */
final class DeviceBarrier implements UndoJournal.Barrier {
    private final HeapMemory memory;

    DeviceBarrier(HeapMemory memory) {
        this.memory = memory;
    }

    @Override
    public void entryWritten(long entryOffset, int length) {
        memory.syncRange(entryOffset, length);
    }

    @Override
    public void beforeRetire() {
        memory.syncMapped();
    }

    @Override
    public void afterRetire(long seqOffset) {
        memory.syncRange(seqOffset, 8);
    }
}
