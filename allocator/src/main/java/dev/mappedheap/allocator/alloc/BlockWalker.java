package dev.mappedheap.allocator.alloc;

import static dev.mappedheap.allocator.format.BlockLayout.MIN_BLOCK;

import dev.mappedheap.allocator.BlockVisitor;
import dev.mappedheap.allocator.ProgressListener;
import dev.mappedheap.allocator.WalkReport;
import dev.mappedheap.allocator.format.BlockLayout;
import dev.mappedheap.allocator.format.HeaderLayout;
import dev.mappedheap.allocator.internal.HeapMemory;

/**
 * Allocator layer, walks: the public walk of the blocks from the first to the top, for tools (the
 * inspector's stats and map). Read-only; bounded, since every step moves forward by at least 32 bytes and
 * stops at the top; a head whose size breaks the tiling ends the walk with a report rather than an
 * exception. Only the sizes are checked: the deeper checks are {@link HeapChecker}'s.
 */
public final class BlockWalker {
    private BlockWalker() {}

    /**
     * @return why the header's {@code top} and {@code capacity} cannot bound a walk (out of range, unaligned,
     *     past the mapping), or null when they can
     */
    static String endProblem(HeapMemory memory, long heapStart) {
        long capacity = memory.readLong(HeaderLayout.CAPACITY_OFFSET);
        long top = memory.readLong(HeaderLayout.TOP_OFFSET);
        if (capacity > memory.limit() || capacity <= heapStart || top < heapStart || top > capacity
                || !BlockLayout.aligned(top)) {
            return "top or capacity out of range: top=" + top + " capacity=" + capacity + " heapStart=" + heapStart
                    + " mapped=" + memory.limit();
        }
        return null;
    }

    /**
     * @param memory the heap's mapping; the caller holds the heap lock
     * @param heapStart offset of the first block
     * @param visitor told of each block
     * @param progress told how far the walk has come
     * @return counts of what was visited, and where and why the walk stopped early if it did
     */
    public static WalkReport walk(HeapMemory memory, long heapStart, BlockVisitor visitor, ProgressListener progress) {
        long capacity = memory.readLong(HeaderLayout.CAPACITY_OFFSET);
        long top = memory.readLong(HeaderLayout.TOP_OFFSET);
        String endProblem = endProblem(memory, heapStart);
        if (endProblem != null) {
            return new WalkReport(heapStart, top, capacity, 0, 0, 0, 0, heapStart, endProblem);
        }
        ProgressTicker ticker = new ProgressTicker(progress, "walk", heapStart, top);
        long live = 0;
        long liveBytes = 0;
        long free = 0;
        long freeBytes = 0;
        long block = heapStart;
        while (block < top) {
            long head = memory.readLong(block);
            long size = BlockLayout.size(head);
            if (size < MIN_BLOCK || size > top - block) {
                ticker.done(); // the phase is over, if early: the report says where and why
                return new WalkReport(heapStart, top, capacity, live, liveBytes, free, freeBytes, block,
                        "block size out of range: offset=" + block + " size=" + size + " top=" + top);
            }
            boolean inUse = BlockLayout.inUse(head);
            if (inUse) {
                live++;
                liveBytes += size;
            } else {
                free++;
                freeBytes += size;
            }
            visitor.visit(block, size, inUse);
            block += size;
            ticker.at(block);
        }
        ticker.done();
        return new WalkReport(heapStart, top, capacity, live, liveBytes, free, freeBytes, -1, null);
    }
}
