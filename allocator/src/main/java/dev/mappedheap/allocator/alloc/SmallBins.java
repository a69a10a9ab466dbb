package dev.mappedheap.allocator.alloc;

import static dev.mappedheap.allocator.format.BlockLayout.NEXT_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.PINUSE;
import static dev.mappedheap.allocator.format.BlockLayout.PREV_OFFSET;
import static dev.mappedheap.allocator.format.HeaderLayout.SMALL_SUMMARY_OFFSET;
import static dev.mappedheap.allocator.format.HeaderLayout.smallHeadOffset;
import static dev.mappedheap.allocator.format.HeaderLayout.smallMapOffset;

import dev.mappedheap.allocator.HeapCorruptedException;
import dev.mappedheap.allocator.format.HeaderLayout;

/**
 * Allocator layer: the 512 exact-size free lists for blocks under 8 KiB. List {@code i} holds free blocks of
 * exactly {@code 16 * i} bytes, doubly linked through their first two words, newest first (the newest is the
 * likeliest to be in cache).
 *
 * <p>A two-level bitmap finds the smallest non-empty list that fits without reading an empty list: bit
 * {@code i & 63} of {@code smallMap[i >>> 6]} is set exactly when list {@code i} is non-empty, and bit
 * {@code w} of {@code smallSummary} exactly when {@code smallMap[w]} is non-zero. A search is two shifts and
 * two trailing-zero counts (dlmalloc's smallmap, TLSF's two levels).
 */
final class SmallBins {
    /** Only the low 8 bits of the summary name bitmap words; a file that sets others is ignored there. */
    private static final long SUMMARY_MASK = (1L << HeaderLayout.SMALL_MAP_WORDS) - 1;

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
        int index = index(size);
        int word = index >>> 6;
        long bits = blocks.header(smallMapOffset(word)) & (-1L << index);
        if (bits != 0) {
            return (word << 6) + Long.numberOfTrailingZeros(bits);
        }
        long summary = blocks.header(SMALL_SUMMARY_OFFSET) & SUMMARY_MASK & (-2L << word);
        if (summary == 0) {
            return -1;
        }
        word = Long.numberOfTrailingZeros(summary);
        long map = blocks.header(smallMapOffset(word));
        if (map == 0) {
            throw Blocks.corrupt("smallSummary marks an empty bitmap word: word=" + word);
        }
        return (word << 6) + Long.numberOfTrailingZeros(map);
    }

    /** @return the index of the largest non-empty list, or -1 when all are empty */
    int largest() {
        long summary = blocks.header(SMALL_SUMMARY_OFFSET) & SUMMARY_MASK;
        if (summary == 0) {
            return -1;
        }
        int word = 63 - Long.numberOfLeadingZeros(summary);
        long map = blocks.header(smallMapOffset(word));
        return map == 0 ? -1 : (word << 6) + 63 - Long.numberOfLeadingZeros(map);
    }

    /** @return the newest block on list {@code index}, which must be non-empty */
    long first(int index) {
        return blocks.checkedBlock(blocks.header(smallHeadOffset(index)), "smallHeads");
    }

    void push(long block, long size) {
        int index = index(size);
        int headOffset = smallHeadOffset(index);
        long first = blocks.header(headOffset);
        blocks.setWord(block, NEXT_OFFSET, first);
        blocks.setWord(block, PREV_OFFSET, 0);
        if (first == 0) {
            markNonEmpty(index);
        } else {
            // the first block must be a free block of this list's size, first on it: its PREV is about to be
            // written, which must not land in a block the program owns (its head shares the line)
            long firstHead = blocks.head(blocks.checkedBlock(first, "smallHeads"));
            if (blocks.word(first, PREV_OFFSET) != 0 || (firstHead & ~PINUSE) != size) {
                throw Blocks.corrupt("a list's first block is not a free block of its size, first on its list:"
                        + " list=" + index + " offset=" + first + " head=0x" + Long.toHexString(firstHead)
                        + " prev=" + blocks.word(first, PREV_OFFSET));
            }
            blocks.setWord(first, PREV_OFFSET, block);
        }
        blocks.setHeader(headOffset, block);
    }

    void unlink(long block, long size) {
        int index = index(size);
        long next = blocks.word(block, NEXT_OFFSET);
        long prev = blocks.word(block, PREV_OFFSET);
        if (prev == 0) {
            int headOffset = smallHeadOffset(index);
            if (blocks.header(headOffset) != block) {
                throw Blocks.corrupt("free block has no predecessor but is not its list's head: offset=" + block
                        + " list=" + index + " head=" + blocks.header(headOffset));
            }
            blocks.setHeader(headOffset, next);
            if (next == 0) {
                markEmpty(index);
            }
        } else {
            // safe unlinking: each neighbour must point back, or a damaged link would make this write land in
            // a block the program owns; the journal reads the word it overwrites anyway, so this costs no miss
            if (blocks.word(blocks.checkedBlock(prev, "list prev"), NEXT_OFFSET) != block) {
                throw linkMismatch(block, "prev", prev);
            }
            blocks.setWord(prev, NEXT_OFFSET, next);
        }
        if (next != 0) {
            if (blocks.word(blocks.checkedBlock(next, "list next"), PREV_OFFSET) != block) {
                throw linkMismatch(block, "next", next);
            }
            blocks.setWord(next, PREV_OFFSET, prev);
        }
    }

    private static HeapCorruptedException linkMismatch(long block, String link, long neighbour) {
        return Blocks.corrupt("free list neighbour does not link back: offset=" + block + " " + link + "="
                + neighbour);
    }

    private void markNonEmpty(int index) {
        int word = index >>> 6;
        int mapOffset = smallMapOffset(word);
        long map = blocks.header(mapOffset);
        if (map == 0) {
            blocks.setHeader(SMALL_SUMMARY_OFFSET, blocks.header(SMALL_SUMMARY_OFFSET) | (1L << word));
        }
        blocks.setHeader(mapOffset, map | (1L << index));
    }

    private void markEmpty(int index) {
        int word = index >>> 6;
        int mapOffset = smallMapOffset(word);
        long map = blocks.header(mapOffset) & ~(1L << index);
        blocks.setHeader(mapOffset, map);
        if (map == 0) {
            blocks.setHeader(SMALL_SUMMARY_OFFSET, blocks.header(SMALL_SUMMARY_OFFSET) & ~(1L << word));
        }
    }
}
