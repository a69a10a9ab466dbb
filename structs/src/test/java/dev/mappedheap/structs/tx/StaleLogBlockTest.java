package dev.mappedheap.structs.tx;

import static dev.mappedheap.structs.tx.TxLayout.ACTIVE;
import static dev.mappedheap.structs.tx.TxLayout.LOG_BLOCK_BYTES;
import static dev.mappedheap.structs.tx.TxLayout.LOG_HEAD;
import static dev.mappedheap.structs.tx.TxLayout.OWNER;
import static dev.mappedheap.structs.tx.TxLayout.STATE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash that CI caught: an owner killed right after linking a new undo-log block, before it wrote a
 * single entry. The block reuses the memory of an earlier, committed transaction's log; if recovery read
 * those stale entries as this transaction's, it would restore committed words to old values and free a
 * committed block that is still linked. Here the state is built by hand, exactly as the kill leaves it.
 */
class StaleLogBlockTest {
    @TempDir Path dir;

    @Test
    void aLogBlockLinkedByAnOwnerKilledBeforeItsFirstEntryIsEmpty() {
        Path file = dir.resolve("stale.heap");
        try (MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults())) {
            long holder = heap.allocate(64);
            heap.writeLong(holder, 1);
            Transactions transactions = Transactions.create(heap, 2);
            long slot = TxLayout.slot(transactions.offset(), 0);

            long record;
            long firstLog;
            try (Transaction tx = transactions.begin()) {
                record = tx.allocate(100);
                tx.writeLong(holder, record); // logged: old value 1
                tx.writeLong(holder + 8, 2);
                firstLog = heap.readLong(slot + LOG_HEAD);
                tx.commit();
            }
            assertThat(heap.readLong(slot + LOG_HEAD)).as("the log was released").isZero();
            long liveBlocks = heap.stats().liveBlocks();

            // the dead owner: a heap instance that no longer exists
            long deadOwner;
            try (MappedHeap gone = MappedHeap.open(file)) {
                deadOwner = gone.ownerToken();
            }
            assertThat(heap.isOwnerAlive(deadOwner)).isFalse();
            heap.writeLong(slot + OWNER, deadOwner);
            heap.writeLong(slot + STATE, ACTIVE);
            long newLog = heap.allocateInto(transactions.offset(), slot - transactions.offset() + LOG_HEAD,
                    LOG_BLOCK_BYTES);
            assertThat(newLog).as("the new log block reuses the committed log's memory").isEqualTo(firstLog);

            Transactions.open(heap, transactions.offset()); // recovers the dead owner's slot

            assertThat(heap.readLong(holder)).as("the committed link stays").isEqualTo(record);
            assertThat(heap.readLong(holder + 8)).isEqualTo(2);
            assertThat(heap.usableSize(record)).as("the committed record is still live").isGreaterThanOrEqualTo(100);
            assertThat(heap.readLong(slot + OWNER)).isZero();
            assertThat(heap.stats().liveBlocks()).as("the empty log block was freed").isEqualTo(liveBlocks);
            assertThat(heap.check().ok()).isTrue();
        }
    }
}
