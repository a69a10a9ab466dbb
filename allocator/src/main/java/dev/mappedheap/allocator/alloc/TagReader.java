package dev.mappedheap.allocator.alloc;

import static dev.mappedheap.allocator.format.BlockLayout.ALIGNMENT;
import static dev.mappedheap.allocator.format.BlockLayout.CHECK_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.MIN_BLOCK;

import dev.mappedheap.allocator.format.BlockLayout;
import dev.mappedheap.allocator.internal.HeapMemory;

/**
 * Allocator layer, repair: decides which block heads can be believed. Repair treats the boundary tags (each
 * block's size and CINUSE bit) as the ground truth, so before it rewrites anything around a head it asks
 * here whether that head is real.
 *
 * <p>Evidence, strongest first: a block in use carries a check word, a 64-bit mix of its offset, size and
 * the heap's salt, which no stray bytes reproduce by chance. A free block has none; its head is believed when
 * its footer repeats its size, or when the footer is damaged but the block after it is the top or a head
 * that is itself believed, and no block in use with a right check word lies inside it (which would mean
 * the size was damaged and now swallows live blocks). A "free" head whose word at +8 is its own check word
 * is a block in use whose CINUSE bit was lost: a free block keeps a list or tree link there, never that.
 * Every read is inside {@code [heapStart, top)}, and every scan is bounded by the range it scans.
 */
final class TagReader {
    /** What a head turned out to be. */
    enum Kind {
        IN_USE,
        /** In use, but its CINUSE bit was cleared: the check word proves it. */
        IN_USE_FLAG_LOST,
        FREE,
        UNREADABLE
    }

    private final HeapMemory memory;
    private final long heapStart;
    private final long salt;
    private final long top;

    TagReader(HeapMemory memory, long heapStart, long salt, long top) {
        this.memory = memory;
        this.heapStart = heapStart;
        this.salt = salt;
        this.top = top;
    }

    /** @return what the head at {@code block} (in {@code [heapStart, top)}, 16-aligned) is */
    Kind classify(long block) {
        long head = memory.readLong(block);
        long size = BlockLayout.size(head);
        if (size < MIN_BLOCK || size > top - block) {
            return Kind.UNREADABLE;
        }
        boolean checkWordFits = memory.readLong(block + CHECK_OFFSET) == BlockLayout.checkWord(block, size, salt);
        if (BlockLayout.inUse(head)) {
            return checkWordFits ? Kind.IN_USE : Kind.UNREADABLE;
        }
        if (checkWordFits) {
            return Kind.IN_USE_FLAG_LOST;
        }
        if (memory.readLong(block + size - 8) == size) {
            return Kind.FREE;
        }
        long next = block + size;
        boolean nextBelieved = next == top || isLiveBlock(next) || isFreeWithFooter(next);
        return nextBelieved && !containsLiveBlock(block, size) ? Kind.FREE : Kind.UNREADABLE;
    }

    /** @return why {@link #classify} rejected the head at {@code block}, as {@code name=value} facts */
    String whyUnreadable(long block) {
        long head = memory.readLong(block);
        long size = BlockLayout.size(head);
        String facts = "offset=" + block + " head=0x" + Long.toHexString(head) + " size=" + size + " top=" + top;
        if (size < MIN_BLOCK || size > top - block) {
            return "block size out of range: " + facts;
        }
        if (BlockLayout.inUse(head)) {
            return "check word wrong for a block in use: " + facts;
        }
        return "free block whose footer and neighbour do not confirm its size: " + facts;
    }

    /**
     * @param unreadable offset of a head that {@link #classify} rejected
     * @return the first block in use with a right check word at least {@link BlockLayout#MIN_BLOCK} bytes on,
     *     where the walk can resume; or the top when there is none
     */
    long resumeAfter(long unreadable) {
        for (long at = unreadable + MIN_BLOCK; at <= top - MIN_BLOCK; at += ALIGNMENT) {
            if (isLiveBlock(at)) {
                return at;
            }
        }
        return top;
    }

    /** @return true when a block in use with a right check word starts at {@code block} */
    boolean isLiveBlock(long block) {
        if (!BlockLayout.aligned(block) || block < heapStart || block > top - MIN_BLOCK) {
            return false;
        }
        long head = memory.readLong(block);
        long size = BlockLayout.size(head);
        return BlockLayout.inUse(head) && size >= MIN_BLOCK && size <= top - block
                && memory.readLong(block + CHECK_OFFSET) == BlockLayout.checkWord(block, size, salt);
    }

    private boolean isFreeWithFooter(long block) {
        if (block > top - MIN_BLOCK) {
            return false;
        }
        long head = memory.readLong(block);
        long size = BlockLayout.size(head);
        return !BlockLayout.inUse(head) && size >= MIN_BLOCK && size <= top - block
                && memory.readLong(block + size - 8) == size;
    }

    /** Scans a free block whose footer is wrong for a live block inside it: one read per 16 bytes. */
    private boolean containsLiveBlock(long block, long size) {
        for (long at = block + ALIGNMENT; at <= block + size - MIN_BLOCK; at += ALIGNMENT) {
            if (isLiveBlock(at)) {
                return true;
            }
        }
        return false;
    }
}
