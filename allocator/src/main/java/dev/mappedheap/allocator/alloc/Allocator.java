package dev.mappedheap.allocator.alloc;

import static dev.mappedheap.allocator.format.BlockLayout.CHECK_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.CINUSE;
import static dev.mappedheap.allocator.format.BlockLayout.HEADER_LENGTH;
import static dev.mappedheap.allocator.format.BlockLayout.MIN_BLOCK;
import static dev.mappedheap.allocator.format.BlockLayout.NEXT_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.PREV_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.PINUSE;
import static dev.mappedheap.allocator.format.BlockLayout.TREE_MIN_BLOCK;
import static dev.mappedheap.allocator.format.BlockLayout.blockSizeFor;
import static dev.mappedheap.allocator.format.BlockLayout.inUse;
import static dev.mappedheap.allocator.format.BlockLayout.prevInUse;
import static dev.mappedheap.allocator.format.BlockLayout.size;
import static dev.mappedheap.allocator.format.HeaderLayout.FREE_BLOCKS_OFFSET;
import static dev.mappedheap.allocator.format.HeaderLayout.LIVE_BLOCKS_OFFSET;
import static dev.mappedheap.allocator.format.HeaderLayout.TOP_OFFSET;
import static dev.mappedheap.allocator.format.HeaderLayout.USED_BYTES_OFFSET;

import dev.mappedheap.allocator.HeapFullException;
import dev.mappedheap.allocator.HeapStats;
import dev.mappedheap.allocator.InvalidOffsetException;
import dev.mappedheap.allocator.format.BlockLayout;
import dev.mappedheap.allocator.format.HeaderLayout;
import dev.mappedheap.allocator.internal.HeapMemory;
import dev.mappedheap.allocator.journal.UndoJournal;

/**
 * Allocator layer: allocate, free and reallocate over boundary-tagged blocks.
 *
 * <p>Policy (dlmalloc's, with a best-fit tree): a request becomes a block size (payload rounded up to 16,
 * plus the 16-byte header). A block under 8 KiB comes from the smallest non-empty exact-size list that fits;
 * anything else, and a small request no list can serve, takes the best fit in the tree; failing that the
 * block is carved from the top, the never-used region at the end of the file, growing the file first if the
 * top is too small. A free block found is split when the rest can be a block. A free merges the block with
 * both neighbours and with the top. Every metadata write goes through the journal, so the caller wraps each
 * public operation in {@code begin}/{@code commit} (and rolls back on failure).
 *
 * <p>Not thread-safe: the caller holds the heap's lock.
 */
public final class Allocator {
    /** Payload bytes that hold a free block's links (previous/right child, tree height): kept for rollback. */
    private static final long FREE_LINK_BYTES_IN_PAYLOAD = BlockLayout.HEIGHT_OFFSET + 8 - HEADER_LENGTH;
    private final Blocks blocks;
    private final SmallBins smallBins;
    private final FreeTree tree;
    private final Growth growth;

    /**
     * @param memory the heap's mapping
     * @param journal the journal every write goes through
     * @param heapStart offset of the first block
     * @param salt the heap's salt for check words
     * @param growth how the file grows when the top is too small
     */
    public Allocator(HeapMemory memory, UndoJournal journal, long heapStart, long salt, Growth growth) {
        this.blocks = new Blocks(memory, journal, heapStart, salt);
        this.smallBins = new SmallBins(blocks);
        this.tree = new FreeTree(blocks);
        this.growth = growth;
    }

    /** Makes room in the file: called with the new capacity's worth of disk space to reserve. */
    @FunctionalInterface
    public interface Growth {
        /**
         * Grows the file to at least {@code minCapacity} bytes, usually by the heap's growth increment.
         *
         * @param capacity the current capacity
         * @param minCapacity the smallest capacity that satisfies the request
         * @return the new capacity, whose bytes are reserved and accessible
         * @throws dev.mappedheap.allocator.HeapFullException when it cannot
         */
        long grow(long capacity, long minCapacity);
    }

    // ---------------------------------------------------------------- allocate

    /**
     * @param request payload bytes, {@code 0 <= request <= MAX_REQUEST}
     * @return offset of the payload of a new block in use
     */
    public long allocate(long request) {
        long size = blockSizeFor(request);
        long block = takeFree(size);
        if (block != 0) {
            size = useFreeBlock(block, size);
            blocks.setWord(block, CHECK_OFFSET, blocks.checkWord(block, size));
        } else {
            block = carveTop(size);
        }
        blocks.addToHeader(LIVE_BLOCKS_OFFSET, 1);
        blocks.addToHeader(USED_BYTES_OFFSET, size);
        return block + HEADER_LENGTH;
    }

    /** @return a free block of at least {@code size} bytes, removed from its list or the tree, or 0 */
    private long takeFree(long size) {
        if (size < TREE_MIN_BLOCK) {
            int index = smallBins.firstFit(size);
            if (index >= 0) {
                long block = smallBins.first(index);
                prefetchForSplit(block, (long) index << 4, size);
                long found = blocks.checkedFreeSize(block, "smallHeads");
                if (found != (long) index << 4) {
                    throw Blocks.corrupt("free block on the wrong list: offset=" + block + " size=" + found
                            + " list=" + index);
                }
                smallBins.unlink(block, found);
                blocks.addToHeader(FREE_BLOCKS_OFFSET, -1);
                return block;
            }
        }
        long block = tree.bestFit(size);
        if (block != 0) {
            tree.remove(block, blocks.checkedFreeSize(block, "tree node"));
            blocks.addToHeader(FREE_BLOCKS_OFFSET, -1);
        }
        return block;
    }

    /**
     * Turns a free block, already off its list, into a block in use of {@code size} bytes, splitting off the
     * rest when it can be a block of its own.
     *
     * @return the size of the block in use: {@code size}, or the whole free block when the rest is too small
     */
    private long useFreeBlock(long block, long size) {
        long found = size(blocks.head(block));
        long rest = found - size;
        if (rest >= MIN_BLOCK) {
            blocks.setHead(block, size | PINUSE | CINUSE);
            // read late: the footer's line was prefetched when the block was found, and writeFree rewrites it
            blocks.checkFooter(block, found, "free block taken");
            writeFree(block + size, rest);
            return size;
        }
        blocks.setHead(block, found | PINUSE | CINUSE);
        setPrevInUse(block + found);
        blocks.checkFooter(block, found, "free block taken"); // next to the head setPrevInUse just read
        return found;
    }

    private long carveTop(long size) {
        long top = blocks.top();
        long capacity = blocks.capacity();
        if (capacity - top < size) {
            growth.grow(capacity, Math.addExact(top, size));
        }
        blocks.setHeader(TOP_OFFSET, top + size);
        // the block before the top is always in use: a free next to the top merges into it
        blocks.setFreshWord(top, size | PINUSE | CINUSE);
        blocks.setFreshWord(top + CHECK_OFFSET, blocks.checkWord(top, size));
        return top;
    }

    // ---------------------------------------------------------------- free

    /** @param payload offset returned by {@link #allocate} and not yet freed */
    public void free(long payload) {
        long block = liveBlock(payload);
        long head = blocks.head(block);
        long size = size(head);
        blocks.addToHeader(LIVE_BLOCKS_OFFSET, -1);
        blocks.addToHeader(USED_BYTES_OFFSET, -size);
        releaseRange(block, head, size);
    }

    // ---------------------------------------------------------------- linked allocate and free

    /**
     * Allocates a block and stores its offset in a word of another live block, in one operation: a crash
     * leaves either neither or both, so a block is never allocated without being reachable.
     *
     * @param holder a live block other than the new one
     * @param fieldOffset where in {@code holder}'s payload the 8-byte link lives: 8-aligned, inside it
     * @return the new block's payload offset
     */
    public long allocateInto(long holder, long fieldOffset, long request) {
        long link = linkWord(holder, fieldOffset);
        long payload = allocate(request);
        zeroPayload(payload);
        blocks.journal.write(link, payload);
        return payload;
    }

    /**
     * Zeroes a block just allocated, so that a block linked by {@link #allocateInto} never shows the bytes
     * of an earlier owner: a crash right after the link leaves a block of zeros, never stale data that a
     * recovery could mistake for the new owner's (a transaction's undo log, say). The words a free block
     * keeps its list or tree links and its footer in are journaled, because a rollback makes the block free
     * again and needs them; the rest of a free block means nothing, so it is cleared without a log.
     */
    private void zeroPayload(long payload) {
        long usable = size(blocks.head(payload - HEADER_LENGTH)) - HEADER_LENGTH;
        long lastWord = payload + usable - 8;
        for (long word = payload; word < payload + FREE_LINK_BYTES_IN_PAYLOAD && word < lastWord; word += 8) {
            blocks.journal.write(word, 0);
        }
        long middle = Math.min(payload + FREE_LINK_BYTES_IN_PAYLOAD, lastWord);
        blocks.memory.zero(middle, lastWord - middle);
        blocks.journal.write(lastWord, 0);
    }

    /**
     * Frees the block a link word points at and clears the link, in one operation. A link that is already 0
     * frees nothing, so repeating the call (as a recovery that crashed midway does) is harmless.
     *
     * @return the block freed, 0 if the link was 0
     */
    public long freeFrom(long holder, long fieldOffset) {
        long link = linkWord(holder, fieldOffset);
        long target = blocks.memory.readLong(link);
        if (target == 0) {
            return 0;
        }
        if (target == holder) {
            throw new InvalidOffsetException("a block's link points at the block itself: holder=" + holder
                    + " fieldOffset=" + fieldOffset);
        }
        free(target);
        blocks.journal.write(link, 0);
        return target;
    }

    private long linkWord(long holder, long fieldOffset) {
        long usable = size(blocks.head(liveBlock(holder))) - HEADER_LENGTH;
        if ((fieldOffset & 7) != 0 || fieldOffset < 0 || fieldOffset > usable - 8) {
            throw new InvalidOffsetException("link word outside its block: holder=" + holder + " fieldOffset="
                    + fieldOffset + " usableSize=" + usable + " (8-aligned, inside the payload)");
        }
        return holder + fieldOffset;
    }

    /**
     * Returns {@code [block, block + size)} to the free space, merging with the free neighbours and the top.
     *
     * @param head the head the range's first word holds now: its PINUSE says whether the block before is in
     *     use, and its CINUSE whether the range is a block whose head and check word must be cleared when
     *     they end up inside a bigger free region, so that the old block never looks live again
     */
    private void releaseRange(long block, long head, long size) {
        prefetchNeighbourLinks(block, head, size);
        long start = block;
        long total = size;
        if (!prevInUse(head)) {
            long prevSize = blocks.memory.readLong(block - 8);
            long prev = block - prevSize;
            if (prevSize < MIN_BLOCK || (prevSize & 15) != 0 || prev < blocks.heapStart
                    || blocks.checkedFreeSize(prev, "previous block") != prevSize) {
                throw Blocks.corrupt("footer before a block does not lead to a free block of that size: offset="
                        + block + " footer=" + prevSize);
            }
            removeFree(prev, prevSize);
            start = prev;
            total += prevSize;
        }
        long next = block + size;
        long top = blocks.top();
        long end;
        if (next == top) {
            end = top;
        } else {
            long nextHead = blocks.head(next);
            if (inUse(nextHead)) {
                blocks.setHead(next, nextHead & ~PINUSE);
                end = next;
            } else {
                long nextSize = blocks.checkedFreeSize(next, "next block");
                removeFree(next, nextSize);
                total += nextSize;
                end = next + nextSize;
                // read late, so the miss on the footer (prefetched above) overlaps the unlinking; writeFree
                // below rewrites this same word
                blocks.checkFooter(next, nextSize, "next block");
            }
        }
        if (inUse(head) && (start != block || end == top)) {
            // the old head is now inside a free block or the top, where it stays until that space is reused:
            // clear both CINUSE and the check word, or user data later written over it that happens to
            // re-create the head word would make the stale offset pass for a live block
            blocks.setHead(block, head & ~CINUSE);
            blocks.setWord(block, CHECK_OFFSET, 0);
        }
        if (end == top) {
            blocks.setHeader(TOP_OFFSET, start);
        } else {
            writeFree(start, total);
        }
    }

    /**
     * Issues the loads a free is about to need: the list links of free neighbours, the merged block's
     * footer and the first block of the list it will join. These are random cache lines, independent of
     * each other; touched one after another they queue their misses, touched here first the misses
     * overlap (W1 free measured 10-20% faster). Only a hint: nothing read here is trusted or can throw.
     */
    private void prefetchNeighbourLinks(long block, long head, long size) {
        HeapMemory memory = blocks.memory;
        long total = size;
        if (!prevInUse(head)) {
            long prevSize = memory.peekLong(block - 8);
            long prev = block - prevSize;
            memory.prefetch(memory.peekLong(prev + NEXT_OFFSET));
            memory.prefetch(memory.peekLong(prev + PREV_OFFSET));
            total += prevSize;
        }
        long next = block + size;
        if (next < blocks.top()) {
            long nextHead = memory.peekLong(next);
            if (!inUse(nextHead)) {
                memory.prefetch(memory.peekLong(next + NEXT_OFFSET));
                memory.prefetch(memory.peekLong(next + PREV_OFFSET));
                memory.prefetch(next + BlockLayout.size(nextHead) - 8);
                total += BlockLayout.size(nextHead);
            }
            prefetchListHead(total);
        }
    }

    /**
     * Issues the loads that taking {@code block} off its list and splitting it will need: its list
     * successor, the rest's head and footer, and the first block of the rest's list. A hint only.
     */
    private void prefetchForSplit(long block, long found, long size) {
        HeapMemory memory = blocks.memory;
        memory.prefetch(memory.peekLong(block + NEXT_OFFSET));
        long rest = found - size;
        if (rest >= MIN_BLOCK) {
            memory.prefetch(block + size);
            memory.prefetch(block + found - 8);
            prefetchListHead(rest);
        }
    }

    private void prefetchListHead(long size) {
        if (size < TREE_MIN_BLOCK) {
            blocks.memory.prefetch(blocks.memory.peekLong(HeaderLayout.smallHeadOffset(SmallBins.index(size))));
        }
    }

    /** Makes {@code [block, block+size)} a free block on its list or in the tree; its neighbours are in use. */
    private void writeFree(long block, long size) {
        blocks.setHead(block, size | PINUSE);
        blocks.setFooter(block, size);
        if (size < TREE_MIN_BLOCK) {
            smallBins.push(block, size);
        } else {
            tree.insert(block, size);
        }
        blocks.addToHeader(FREE_BLOCKS_OFFSET, 1);
    }

    private void removeFree(long block, long size) {
        if (size < TREE_MIN_BLOCK) {
            smallBins.unlink(block, size);
        } else {
            tree.remove(block, size);
        }
        blocks.addToHeader(FREE_BLOCKS_OFFSET, -1);
    }

    private void setPrevInUse(long block) {
        if (block != blocks.top()) {
            blocks.setHead(block, blocks.head(block) | PINUSE);
        }
    }

    // ---------------------------------------------------------------- reallocate

    /**
     * @param payload a live block's payload offset
     * @param request the new payload size
     * @return the payload offset, the same one when the block could be resized in place
     */
    public long reallocate(long payload, long request) {
        long block = liveBlock(payload);
        long head = blocks.head(block);
        long size = size(head);
        long wanted = blockSizeFor(request);
        if (wanted <= size) {
            shrinkInPlace(block, head, wanted);
            return payload;
        }
        if (growInPlace(block, head, wanted)) {
            return payload;
        }
        long moved = allocate(request);
        preserveFreeFields(moved - HEADER_LENGTH);
        blocks.memory.copy(payload, moved, size - HEADER_LENGTH);
        free(payload);
        return moved;
    }

    /**
     * Before the copy of a move overwrites the new block's payload, logs the words there that meant something
     * while the block was free: the list or tree links in its first payload words and the footer at its end.
     * The copy is not journaled; if the move is rolled back, these words must come back with the free block
     * or its list or tree node would be left holding the copied bytes.
     */
    private void preserveFreeFields(long block) {
        long end = block + size(blocks.head(block));
        blocks.journal.preserve(block + PREV_OFFSET);
        blocks.journal.preserve(block + BlockLayout.HEIGHT_OFFSET);
        blocks.journal.preserve(end - 8);
    }

    private void shrinkInPlace(long block, long head, long wanted) {
        long size = size(head);
        long rest = size - wanted;
        if (rest < MIN_BLOCK) {
            return;
        }
        setInUseSize(block, head, wanted);
        blocks.addToHeader(USED_BYTES_OFFSET, -rest);
        // the tail's first word is payload, not a head: PINUSE set (the block before it stays in use)
        releaseRange(block + wanted, PINUSE, rest);
    }

    private boolean growInPlace(long block, long head, long wanted) {
        long size = size(head);
        long next = block + size;
        long top = blocks.top();
        if (next == top) {
            long capacity = blocks.capacity();
            long end = Math.addExact(block, wanted);
            if (end > capacity) {
                try {
                    growth.grow(capacity, end);
                } catch (HeapFullException full) {
                    return false; // growth changes nothing when it fails; a free block elsewhere may still fit
                }
            }
            blocks.setHeader(TOP_OFFSET, end);
            setInUseSize(block, head, wanted);
            blocks.addToHeader(USED_BYTES_OFFSET, wanted - size);
            return true;
        }
        long nextHead = blocks.head(next);
        if (inUse(nextHead)) {
            return false;
        }
        long nextSize = blocks.checkedFreeSize(next, "next block");
        long total = size + nextSize;
        if (total < wanted) {
            return false;
        }
        removeFree(next, nextSize);
        blocks.checkFooter(next, nextSize, "next block");
        long rest = total - wanted;
        if (rest >= MIN_BLOCK) {
            setInUseSize(block, head, wanted);
            writeFree(block + wanted, rest);
            blocks.addToHeader(USED_BYTES_OFFSET, wanted - size);
        } else {
            setInUseSize(block, head, total);
            setPrevInUse(block + total);
            blocks.addToHeader(USED_BYTES_OFFSET, total - size);
        }
        return true;
    }

    private void setInUseSize(long block, long head, long size) {
        blocks.setHead(block, size | (head & BlockLayout.FLAG_MASK));
        blocks.setWord(block, CHECK_OFFSET, blocks.checkWord(block, size));
    }

    // ---------------------------------------------------------------- queries

    /**
     * The usable size of a live block, without the heap lock, for callers that only read a block they own.
     * It checks what
     * stays fixed while a block is live however other processes change the heap around it: alignment and
     * bounds, CINUSE, the size, and the check word. It skips the next block's PINUSE, which a concurrent
     * operation on the neighbour or the top may be rewriting.
     */
    public long usableSizeUnlocked(long payload) {
        return size(blocks.head(inUseBlock(payload))) - HEADER_LENGTH;
    }

    /**
     * @return the block of a live payload offset
     * @throws InvalidOffsetException if {@code payload} is not the payload of a block in use
     */
    private long liveBlock(long payload) {
        long block = inUseBlock(payload);
        long next = block + size(blocks.head(block));
        if (next != blocks.top() && !prevInUse(blocks.head(next))) {
            throw notLive(payload, "the next block says this one is free");
        }
        return block;
    }

    /** @return the block of {@code payload} after every check of {@link #liveBlock} but the neighbour's */
    private long inUseBlock(long payload) {
        long block = payload - HEADER_LENGTH;
        long top = blocks.top();
        if ((payload & 15) != 0 || block < blocks.heapStart || block > top - MIN_BLOCK) {
            throw notLive(payload, "not a block offset in the heap: heapStart=" + blocks.heapStart + " top=" + top);
        }
        long head = blocks.head(block);
        long size = size(head);
        if (!inUse(head)) {
            throw notLive(payload, "the block is free (never allocated, or already freed)");
        }
        if (size < MIN_BLOCK || size > top - block || blocks.word(block, CHECK_OFFSET) != blocks.checkWord(block, size)) {
            throw notLive(payload, "not the start of a block in use");
        }
        return block;
    }

    private static InvalidOffsetException notLive(long payload, String why) {
        return new InvalidOffsetException("not a live block: offset=" + payload + ": " + why);
    }

    /** @return a consistent snapshot of the counters, plus the largest free block found now */
    public HeapStats stats() {
        long capacity = blocks.capacity();
        long used = blocks.header(USED_BYTES_OFFSET);
        long topBytes = capacity - blocks.top();
        long largestBlock = Math.max(topBytes, largestSmall());
        long largestInTree = tree.largest();
        if (largestInTree != 0) {
            largestBlock = Math.max(largestBlock, size(blocks.head(largestInTree)));
        }
        return new HeapStats(
                capacity,
                blocks.heapStart,
                used,
                capacity - blocks.heapStart - used,
                blocks.header(LIVE_BLOCKS_OFFSET),
                blocks.header(FREE_BLOCKS_OFFSET),
                Math.max(0, largestBlock - HEADER_LENGTH),
                topBytes,
                blocks.header(HeaderLayout.LOCK_TAKEOVERS_OFFSET),
                blocks.header(HeaderLayout.RECOVERIES_OFFSET));
    }

    private long largestSmall() {
        return Math.max(0, (long) smallBins.largest() << 4);
    }
}
