package dev.mappedheap.allocator.alloc;

import static dev.mappedheap.allocator.format.BlockLayout.CHECK_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.CINUSE;
import static dev.mappedheap.allocator.format.BlockLayout.MIN_BLOCK;
import static dev.mappedheap.allocator.format.BlockLayout.PINUSE;

import dev.mappedheap.allocator.CheckReport;
import dev.mappedheap.allocator.ProgressListener;
import dev.mappedheap.allocator.RepairReport;
import dev.mappedheap.allocator.RepairReport.UnreadableRange;
import dev.mappedheap.allocator.format.BlockLayout;
import dev.mappedheap.allocator.format.HeaderLayout;
import dev.mappedheap.allocator.internal.HeapMemory;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Allocator layer, repair: rebuilds everything derivable from the block boundary tags.
 *
 * <p>The ground truth is each block's head (its size and CINUSE bit) along the walk from the first block to
 * the top. Derived from it, and rebuilt here: PINUSE bits, free blocks' footers, the exact-size lists and
 * their bitmaps, the free tree (links and heights), {@code liveBlocks}, {@code usedBytes}, {@code freeBlocks},
 * and coalescing (adjacent free blocks merge; free space touching the top joins it). The payload of every
 * block in use is never written. Heads that cannot be believed ({@link TagReader}) make an unreadable range,
 * which runs to the next block in use with a right check word; it becomes one block in use (a quarantine:
 * its bytes after the first 16 stay as they were) so no byte that may be someone's data is handed out again.
 *
 * <p>Not journaled (a rebuild writes far more words than the journal holds). Crash safety comes from the
 * order of the writes instead: first every structure that leads to a free block is emptied (list heads,
 * bitmaps, tree root), then blocks are rewritten, then the structures are published. A crash in between
 * leaves a heap whose allocator finds no free block (it carves from the top) and whose {@code check()}
 * reports the free blocks as on no list, never one that hands out a block in use; running the repair again
 * finishes the job. Callers hold the heap lock; the repair reads and writes only {@code [0, capacity)}.
 */
public final class HeapRepair {
    private final HeapMemory memory;
    private final long heapStart;
    private final long salt;
    private final RepairWriter writer;
    private final Runnable beforeFirstWrite;
    private final List<UnreadableRange> unreadable = new ArrayList<>();
    private final FreeIndexBuilder index;
    private long top;
    private long liveBlocks;
    private long usedBytes;

    /**
     * @param memory the heap's mapping; the caller holds the heap lock and no journaled operation is open
     * @param heapStart offset of the first block
     * @param salt the heap's salt
     * @param beforeFirstWrite run once before the first word is written, only when something will be: so that a
     *     repair that never finishes (its listener throws, its process dies) has still announced the change
     */
    public HeapRepair(HeapMemory memory, long heapStart, long salt, Runnable beforeFirstWrite) {
        this.memory = memory;
        this.heapStart = heapStart;
        this.salt = salt;
        this.beforeFirstWrite = beforeFirstWrite;
        this.writer = new RepairWriter(memory);
        this.index = new FreeIndexBuilder(writer);
    }

    /**
     * Checks the heap and, when the check finds problems, rebuilds the derived metadata and salvages what
     * lies around unreadable tags; then checks again.
     *
     * @param progress told how far each walk (check, repair, check) has come
     * @return what was found, rebuilt and salvaged, and the final check
     */
    public RepairReport repair(ProgressListener progress) {
        CheckReport before = new HeapChecker(memory, heapStart, salt).withProgress(progress).check();
        if (before.ok()) {
            return new RepairReport(before, List.of(), List.of(), before);
        }
        String endProblem = BlockWalker.endProblem(memory, heapStart);
        if (endProblem != null) {
            // without a trustworthy end of the blocks no walk can be believed: change nothing
            return new RepairReport(before, List.of("nothing rebuilt: " + endProblem), List.of(), before);
        }
        top = memory.readLong(HeaderLayout.TOP_OFFSET);
        beforeFirstWrite.run();
        index.unpublish();
        VarHandle.fullFence(); // the structures are empty before any block changes
        rebuildBlocks(progress);
        VarHandle.fullFence(); // every block is rewritten before the structures lead to them again
        index.publish();
        writer.set(HeaderLayout.TOP_OFFSET, top, "top");
        writer.set(HeaderLayout.LIVE_BLOCKS_OFFSET, liveBlocks, "counters");
        writer.set(HeaderLayout.USED_BYTES_OFFSET, usedBytes, "counters");
        writer.set(HeaderLayout.FREE_BLOCKS_OFFSET, index.freeBlocks(), "counters");
        VarHandle.fullFence();
        CheckReport after = new HeapChecker(memory, heapStart, salt).withProgress(progress).check();
        return new RepairReport(before, writer.summary(), unreadable, after);
    }

    /**
     * One walk from the first block to the top: believed blocks in use keep their head (PINUSE corrected),
     * runs of free blocks become one free block each, unreadable ranges become quarantined blocks in use.
     */
    private void rebuildBlocks(ProgressListener progress) {
        TagReader tags = new TagReader(memory, heapStart, salt, top);
        ProgressTicker ticker = new ProgressTicker(progress, "repair", heapStart, top);
        boolean prevInUse = true; // the first block always has PINUSE set
        long runStart = -1;
        long block = heapStart;
        while (block < top) {
            ticker.at(block);
            TagReader.Kind kind = tags.classify(block);
            if (kind == TagReader.Kind.FREE) {
                if (runStart < 0) {
                    runStart = block;
                } else {
                    writer.count("free blocks merged with their free neighbour");
                }
                block += BlockLayout.size(memory.readLong(block));
                continue;
            }
            long size;
            if (kind == TagReader.Kind.UNREADABLE) {
                String reason = tags.whyUnreadable(block);
                long resume = tags.resumeAfter(block);
                size = resume - block;
                if (size < MIN_BLOCK) {
                    // too short to hold a block, so too short to hold data: it joins the free run or the top
                    unreadable.add(new UnreadableRange(block, size, reason, 0));
                    runStart = runStart < 0 ? block : runStart;
                    block = resume;
                    continue;
                }
                unreadable.add(new UnreadableRange(block, size, reason, block + BlockLayout.HEADER_LENGTH));
                writer.set(block + CHECK_OFFSET, BlockLayout.checkWord(block, size, salt), "quarantine check words");
            } else {
                size = BlockLayout.size(memory.readLong(block));
                if (kind == TagReader.Kind.IN_USE_FLAG_LOST) {
                    writer.count("CINUSE bits restored (proved by the check word)");
                }
            }
            if (runStart >= 0) {
                index.addFree(runStart, block - runStart);
                runStart = -1;
                prevInUse = false;
            }
            writer.set(block, size | CINUSE | (prevInUse ? PINUSE : 0), kind == TagReader.Kind.UNREADABLE
                    ? "quarantine heads" : "heads of blocks in use (PINUSE, CINUSE)");
            liveBlocks++;
            usedBytes += size;
            prevInUse = true;
            block += size;
        }
        if (runStart >= 0) {
            top = runStart; // the block before it is in use, or it is the first block
        }
        ticker.done();
    }
}
