package dev.mappedheap.allocator.alloc;

import static dev.mappedheap.allocator.format.BlockLayout.NEXT_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.PREV_OFFSET;
import static dev.mappedheap.allocator.format.HeaderLayout.SMALL_MAP_OFFSET;

import dev.mappedheap.allocator.format.HeaderLayout;

/**
 * Allocator layer: the exact-size free lists for blocks under 1 KiB. List {@code i} holds free blocks of
 * exactly {@code 16 * i} bytes, doubly linked through their first two words, newest first. Bit {@code i} of
 * the header's {@code smallMap} is set exactly when list {@code i} is non-empty, so finding the smallest
 * non-empty list that fits is one shift and one trailing-zero count (dlmalloc's smallmap).
 */
final class SmallBins {
    private final Blocks blocks;

    SmallBins(Blocks blocks) {
        this.blocks = blocks;
    }

    static int index(long size) {
        return (int) (size >>> 4);
    }

    /**
     * @return the index of the smallest non-empty list holding blocks of at least {@code size} bytes, or -1
     */
    int firstFit(long size) {
        long map = blocks.header(SMALL_MAP_OFFSET) >>> index(size);
        return map == 0 ? -1 : index(size) + Long.numberOfTrailingZeros(map);
    }

    /** @return the newest block on list {@code index}, which must be non-empty */
    long first(int index) {
        long first = blocks.header(headOffset(index));
        return blocks.checkedBlock(first, "smallHeads");
    }

    void push(long block, long size) {
        int index = index(size);
        int headOffset = headOffset(index);
        long first = blocks.header(headOffset);
        blocks.setWord(block, NEXT_OFFSET, first);
        blocks.setWord(block, PREV_OFFSET, 0);
        if (first == 0) {
            blocks.setHeader(SMALL_MAP_OFFSET, blocks.header(SMALL_MAP_OFFSET) | (1L << index));
        } else {
            blocks.setWord(blocks.checkedBlock(first, "smallHeads"), PREV_OFFSET, block);
        }
        blocks.setHeader(headOffset, block);
    }

    void unlink(long block, long size) {
        int index = index(size);
        long next = blocks.word(block, NEXT_OFFSET);
        long prev = blocks.word(block, PREV_OFFSET);
        if (prev == 0) {
            int headOffset = headOffset(index);
            if (blocks.header(headOffset) != block) {
                throw Blocks.corrupt("free block has no predecessor but is not its list's head: offset=" + block
                        + " list=" + index + " head=" + blocks.header(headOffset));
            }
            blocks.setHeader(headOffset, next);
            if (next == 0) {
                blocks.setHeader(SMALL_MAP_OFFSET, blocks.header(SMALL_MAP_OFFSET) & ~(1L << index));
            }
        } else {
            blocks.setWord(blocks.checkedBlock(prev, "list prev"), NEXT_OFFSET, next);
        }
        if (next != 0) {
            blocks.setWord(blocks.checkedBlock(next, "list next"), PREV_OFFSET, prev);
        }
    }

    private static int headOffset(int index) {
        return (int) HeaderLayout.smallHeadOffset(index);
    }
}
