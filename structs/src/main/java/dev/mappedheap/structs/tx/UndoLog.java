// Structs layer, transactions: replaying a slot's undo log, for abort, commit and recovery alike.
package dev.mappedheap.structs.tx;

import static dev.mappedheap.structs.tx.TxLayout.*;

import dev.mappedheap.allocator.HeapCorruptedException;
import dev.mappedheap.allocator.MappedHeap;
import java.util.ArrayList;
import java.util.List;

/**
 * What happens to a transaction's log after the fact: undo it (abort, or a dead owner's unfinished
 * transaction), finish it (the frees of a committed one), and release it. Every step is idempotent: word
 * restores write the same old values again, and blocks are freed with {@link MappedHeap#freeFrom}, which
 * clears the entry in the same atomic step, so a recovery that is itself interrupted can simply run again.
 */
final class UndoLog {
    private UndoLog() {}

    /** @return the slot's log blocks, first to last, each checked to be a live block of the right size */
    static List<Long> blocks(MappedHeap heap, long slot) {
        List<Long> blocks = new ArrayList<>();
        long limit = heap.stats().capacity() / LOG_BLOCK_BYTES + 1; // a chain longer than this is a loop
        for (long block = heap.readLong(slot + LOG_HEAD); block != 0; block = heap.readLong(block + LOG_NEXT)) {
            if (blocks.size() > limit || heap.usableSize(block) < LOG_BLOCK_BYTES) {
                throw new HeapCorruptedException("transaction log chain broken: slot=" + slot + " block=" + block
                        + " blocks=" + blocks.size());
            }
            blocks.add(block);
        }
        return blocks;
    }

    private static int count(MappedHeap heap, long block) {
        long count = heap.readVolatileLong(block + LOG_COUNT);
        if (count < 0 || count > LOG_ENTRIES) {
            throw new HeapCorruptedException("transaction log count out of range: block=" + block + " count=" + count);
        }
        return (int) count;
    }

    /** Restores every logged word, newest first, and frees every block the transaction allocated. */
    static void undo(MappedHeap heap, long slot) {
        List<Long> blocks = blocks(heap, slot);
        for (int b = blocks.size() - 1; b >= 0; b--) {
            long block = blocks.get(b);
            for (int i = count(heap, block) - 1; i >= 0; i--) {
                long entry = block + LOG_ENTRIES_OFFSET + (long) ENTRY_LENGTH * i;
                long tag = heap.readLong(entry);
                if (tag == TAG_ALLOC) {
                    heap.freeFrom(block, entryValueField(i));
                } else if (tag != TAG_FREE && tag != 0) {
                    // (0: an entry counted but never written, as a power cut can leave one when the count's
                    // sector reached the disk and the entry's did not; its word was not changed yet)
                    heap.writeLong(tag, heap.readLong(entry + 8));
                }
            }
        }
    }

    /** Performs the frees a committed transaction deferred to its commit. */
    static void finishCommit(MappedHeap heap, long slot) {
        for (long block : blocks(heap, slot)) {
            int count = count(heap, block);
            for (int i = 0; i < count; i++) {
                if (heap.readLong(block + LOG_ENTRIES_OFFSET + (long) ENTRY_LENGTH * i) == TAG_FREE) {
                    heap.freeFrom(block, entryValueField(i));
                }
            }
        }
    }

    /** Frees the log blocks, last first, each unlinked in the same step as it is freed. */
    static void release(MappedHeap heap, long table, long slot) {
        List<Long> blocks = blocks(heap, slot);
        for (int b = blocks.size() - 1; b >= 1; b--) {
            heap.freeFrom(blocks.get(b - 1), LOG_NEXT);
        }
        heap.freeFrom(table, slot - table + LOG_HEAD);
    }
}
