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
 * inspector's stats and map). The blocks are read in batches under the heap lock and handed to the visitor
 * after the lock is released, so a visitor may be slow or call the heap's operations without stalling other
 * processes. Between batches the heap's journal sequence number tells whether another operation changed the
 * blocks; if it did, the walk finds its place again from the first block (the block at its old position may
 * have been merged into one before it) and doubles its batch, so a heap under constant change costs at most
 * O(n log n) reads in all.
 *
 * <p>Read-only; bounded, since every step moves forward by at least 32 bytes and stops at the top; a head
 * whose size breaks the tiling ends the walk with a report rather than an exception. Only the sizes are
 * checked: the deeper checks are {@link HeapChecker}'s.
 */
public final class BlockWalker {
    /** Blocks read in the first turn of the heap lock: about 100 µs of reading. */
    public static final int FIRST_BATCH = 4096;
    /** The batch stops doubling here: 34 MiB of arrays (8 + 8 + 1 bytes per block). */
    static final int MAX_BATCH = 1 << 21;

    private final long heapStart;
    private final ProgressListener progress;
    private long[] offsets = new long[FIRST_BATCH];
    private long[] sizes = new long[FIRST_BATCH];
    private boolean[] inUse = new boolean[FIRST_BATCH];
    private int batchLimit = FIRST_BATCH;
    private int batched;
    /** Where the next batch starts: the first block not yet read. */
    private long cursor;
    /** The journal sequence number when the last batch was read. */
    private long sequence;
    private long top;
    private long capacity;
    private ProgressTicker ticker;
    private boolean finished;
    private boolean changed;
    private long live;
    private long liveBytes;
    private long free;
    private long freeBytes;
    private long stoppedAt = -1;
    private String problem;

    /**
     * @param heapStart offset of the first block
     * @param progress told how far the walk has come, while no lock is held
     */
    public BlockWalker(long heapStart, ProgressListener progress) {
        this.heapStart = heapStart;
        this.progress = progress;
        this.cursor = heapStart;
    }

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

    /** @return true when every block has been read (or the walk stopped at one it could not read) */
    public boolean finished() {
        return finished;
    }

    /**
     * Reads the next batch of blocks. The caller holds the heap lock.
     *
     * @param memory the heap's mapping
     */
    public void readBatch(HeapMemory memory) {
        batched = 0;
        long seq = memory.readLong(HeaderLayout.JOURNAL_SEQ_OFFSET);
        capacity = memory.readLong(HeaderLayout.CAPACITY_OFFSET);
        top = memory.readLong(HeaderLayout.TOP_OFFSET);
        boolean changedSinceLastBatch = cursor != heapStart && seq != sequence;
        changed |= changedSinceLastBatch;
        String endProblem = endProblem(memory, heapStart);
        if (endProblem != null) {
            stop(cursor, endProblem);
            return;
        }
        if (ticker == null) {
            ticker = new ProgressTicker(progress, "walk", heapStart, top);
        }
        long block = cursor;
        if (changedSinceLastBatch) {
            growBatch();
            block = heapStart;
            while (block < cursor && block < top) {
                long size = BlockLayout.size(memory.readLong(block));
                if (size < MIN_BLOCK || size > top - block) {
                    stop(block, "block size out of range: offset=" + block + " size=" + size + " top=" + top);
                    return;
                }
                block += size;
            }
        }
        sequence = seq;
        while (block < top && batched < batchLimit) {
            long head = memory.readLong(block);
            long size = BlockLayout.size(head);
            if (size < MIN_BLOCK || size > top - block) {
                stop(block, "block size out of range: offset=" + block + " size=" + size + " top=" + top);
                return;
            }
            offsets[batched] = block;
            sizes[batched] = size;
            inUse[batched] = BlockLayout.inUse(head);
            batched++;
            block += size;
        }
        cursor = block;
        finished = block >= top;
    }

    private void stop(long at, String why) {
        stoppedAt = at;
        problem = why;
        finished = true;
    }

    private void growBatch() {
        if (batchLimit < MAX_BATCH) {
            batchLimit *= 2;
            offsets = new long[batchLimit];
            sizes = new long[batchLimit];
            inUse = new boolean[batchLimit];
        }
    }

    /**
     * Hands the last batch to {@code visitor}. The caller holds no lock.
     *
     * @param visitor told of each block of the batch, in file order
     */
    public void deliver(BlockVisitor visitor) {
        for (int i = 0; i < batched; i++) {
            long size = sizes[i];
            if (inUse[i]) {
                live++;
                liveBytes += size;
            } else {
                free++;
                freeBytes += size;
            }
            visitor.visit(offsets[i], size, inUse[i]);
            if (ticker != null) {
                ticker.at(offsets[i] + size);
            }
        }
        batched = 0;
        if (finished && ticker != null) {
            ticker.done(); // also when a walk stops early: the report says where and why
        }
    }

    /** @return what was visited; call once {@link #finished()} and the last batch was delivered */
    public WalkReport report() {
        return new WalkReport(heapStart, top, capacity, live, liveBytes, free, freeBytes, stoppedAt, problem,
                changed);
    }
}
