package dev.mappedheap.allocator.alloc;

import dev.mappedheap.allocator.internal.HeapMemory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Allocator layer, repair: the repair's only way to write, so that a word already right is never written
 * (a repair of a sound region dirties no page) and every word that changes is counted under what it is.
 * Not journaled: see {@link HeapRepair} for why and how a crash is survived.
 */
final class RepairWriter {
    private final HeapMemory memory;
    private final Map<String, Long> counts = new LinkedHashMap<>();

    RepairWriter(HeapMemory memory) {
        this.memory = memory;
    }

    /** Writes {@code value} at {@code offset} when it differs from what is there, counting it under {@code what}. */
    void set(long offset, long value, String what) {
        if (memory.readLong(offset) != value) {
            memory.writeLong(offset, value);
            count(what);
        }
    }

    /** Writes a word without counting it (for words whose before-image was counted another way). */
    void setQuietly(long offset, long value) {
        memory.writeOrderedLong(offset, value);
    }

    long read(long offset) {
        return memory.readLong(offset);
    }

    void count(String what) {
        counts.merge(what, 1L, Long::sum);
    }

    /** @return one line per kind of change: {@code "free list links: 12"} */
    List<String> summary() {
        List<String> lines = new ArrayList<>();
        counts.forEach((what, n) -> lines.add(what + ": " + n));
        return lines;
    }
}
