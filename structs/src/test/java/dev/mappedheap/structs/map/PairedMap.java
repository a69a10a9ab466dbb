package dev.mappedheap.structs.map;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.tx.Transaction;
import dev.mappedheap.structs.tx.Transactions;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A test workload for {@link SharedLongMap}: keys come in pairs {@code 2k, 2k+1}, each with the value
 * {@code key * 31}, and a writer only ever inserts or removes a whole pair in one transaction. Any torn read
 * shows as an odd size, a key without its partner, a wrong value, or a rank that does not match a select.
 *
 * <p>Root block: {@code +0} the transaction table, {@code +8} the map header.
 */
final class PairedMap {
    final MappedHeap heap;
    final Transactions transactions;
    final SharedLongMap map;

    private PairedMap(MappedHeap heap, Transactions transactions, SharedLongMap map) {
        this.heap = heap;
        this.transactions = transactions;
        this.map = map;
    }

    static PairedMap create(Path file, int nodeSize) {
        MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults());
        long root = heap.allocate(16);
        Transactions transactions = Transactions.create(heap, 16);
        SharedLongMap map = SharedLongMap.create(transactions, 8, nodeSize);
        heap.writeLong(root, transactions.offset());
        heap.writeLong(root + 8, map.headerOffset());
        heap.setRoot(root);
        return new PairedMap(heap, transactions, map);
    }

    static PairedMap open(Path file) {
        MappedHeap heap = MappedHeap.open(file);
        long root = heap.root();
        Transactions transactions = Transactions.open(heap, heap.readLong(root));
        return new PairedMap(heap, transactions, SharedLongMap.open(transactions, heap.readLong(root + 8)));
    }

    /** Inserts a new pair, or (a third of the time, when there are pairs) removes a random one. */
    void step(SplittableRandom random) {
        try (Transaction tx = transactions.begin()) {
            OrderedLongMap writable = map.writable(tx);
            long size = writable.size();
            if (size > 0 && (size > 20_000 || random.nextInt(3) == 0)) {
                long key = writable.select(random.nextLong(size)) & ~1L;
                writable.remove(key);
                writable.remove(key + 1);
            } else {
                long key = random.nextLong(1L << 40) * 2;
                if (!writable.containsKey(key)) {
                    writable.put(key, key * 31);
                    writable.put(key + 1, (key + 1) * 31);
                }
            }
            tx.commit();
        }
    }

    /** @return null if a consistent read of a random entry holds every invariant, else what broke */
    String verifyOne(SplittableRandom random) {
        return map.read(m -> {
            long size = m.size();
            if ((size & 1) != 0) {
                return "odd size " + size;
            }
            if (size == 0) {
                return null;
            }
            long index = random.nextLong(size);
            long key = m.select(index);
            long partner = key ^ 1;
            if (m.get(key, -1) != key * 31) {
                return "key " + key + " has value " + m.get(key, -1);
            }
            if (m.get(partner, -1) != partner * 31) {
                return "key " + key + " without its partner " + partner;
            }
            if (m.rank(key) != index) {
                return "select(" + index + ")=" + key + " but rank=" + m.rank(key);
            }
            return null;
        });
    }
}
