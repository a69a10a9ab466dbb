package dev.mappedheap.allocator.alloc;

import static dev.mappedheap.allocator.format.BlockLayout.CHECK_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.HEIGHT_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.LEFT_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.MIN_BLOCK;
import static dev.mappedheap.allocator.format.BlockLayout.NEXT_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.PREV_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.RIGHT_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.TREE_MIN_BLOCK;

import dev.mappedheap.allocator.CheckReport;
import dev.mappedheap.allocator.ProgressListener;
import dev.mappedheap.allocator.format.BlockLayout;
import dev.mappedheap.allocator.format.HeaderLayout;
import dev.mappedheap.allocator.internal.HeapMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Allocator layer: the read-only integrity check. It walks every block from the first to the top, every
 * exact-size list and every tree node, and reports each broken invariant as one line. It never writes, never
 * follows an offset it has not checked, and every walk is bounded by what the file can hold, so a corrupt
 * or hostile file gives a report, not a crash or a hang.
 *
 * <p>Invariants: blocks tile {@code [heapStart, top)}; each has an aligned size of at least 32 that stays
 * below the top; a block in use has the right check word; PINUSE matches the previous block; a free block's
 * footer equals its size; no two free blocks touch and none touches the top; every free block is on exactly
 * one structure (the list of its exact size, or the tree when 8 KiB or more); the lists are doubly linked
 * consistently and {@code smallMap} marks exactly the non-empty ones; the tree is ordered by (size, offset),
 * its stored heights are right and it is balanced; the header counters equal what the walk counted.
 */
public final class HeapChecker {
    private static final int MAX_PROBLEMS = 100;
    /** Bits 2..3 of a head: zero in version 1, so a set one is damage (or a newer writer). */
    private static final long RESERVED_HEAD_BITS = BlockLayout.FLAG_MASK & ~(BlockLayout.CINUSE | BlockLayout.PINUSE);

    private final HeapMemory memory;
    private final long heapStart;
    private final long salt;
    private final List<String> problems = new ArrayList<>();
    private long[] freeOffsets = new long[64];
    private int freeCount;
    private BitSet seen;
    private long top;
    private long treeNodes;
    private ProgressListener progress = ProgressListener.NONE;
    private ProgressTicker ticker;

    /**
     * @param memory the heap's mapping
     * @param heapStart offset of the first block
     * @param salt the heap's salt
     */
    public HeapChecker(HeapMemory memory, long heapStart, long salt) {
        this.memory = memory;
        this.heapStart = heapStart;
        this.salt = salt;
    }

    /**
     * @param listener told how far the walk of the blocks has come (phase {@code "check"})
     * @return this checker
     */
    public HeapChecker withProgress(ProgressListener listener) {
        this.progress = listener;
        return this;
    }

    /** @return every problem found; an empty list when the heap is consistent */
    public CheckReport check() {
        long capacity = memory.readLong(HeaderLayout.CAPACITY_OFFSET);
        top = memory.readLong(HeaderLayout.TOP_OFFSET);
        if (capacity > memory.limit() || capacity <= heapStart || !BlockLayout.aligned(capacity)) {
            problem("capacity out of range: capacity=" + capacity + " mapped=" + memory.limit());
            return report(0, 0);
        }
        if (top < heapStart || top > capacity || !BlockLayout.aligned(top)) {
            problem("top out of range: top=" + top + " heapStart=" + heapStart + " capacity=" + capacity);
            return report(0, 0);
        }
        long root = memory.readLong(HeaderLayout.ROOT_OFFSET);
        if (root != 0 && (root < heapStart || root >= capacity)) {
            problem("root outside the heap: root=" + root);
        }
        ticker = new ProgressTicker(progress, "check", heapStart, top);
        long walked = walkBlocks();
        ticker.done(); // also when the walk stopped early: the phase is over
        seen = new BitSet(freeCount);
        long listed = checkLists();
        checkTree();
        for (int i = seen.nextClearBit(0); i < freeCount; i = seen.nextClearBit(i + 1)) {
            problem("free block on no list and not in the tree: offset=" + freeOffsets[i]);
        }
        return report(walked, listed);
    }

    private CheckReport report(long walked, long listed) {
        return new CheckReport(problems, walked, listed, treeNodes);
    }

    private void problem(String text) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(text);
        } else if (problems.size() == MAX_PROBLEMS) {
            problems.add("more problems not listed");
        }
    }

    /**
     * @return the payload offset of every block in use, in file order
     * @throws dev.mappedheap.allocator.HeapCorruptedException if a block's size breaks the tiling
     */
    public long[] livePayloads() {
        long end = memory.readLong(HeaderLayout.TOP_OFFSET);
        long[] found = new long[64];
        int count = 0;
        for (long block = heapStart; block < end; ) {
            long head = memory.readLong(block);
            long size = BlockLayout.size(head);
            if (size < MIN_BLOCK || size > end - block) {
                throw Blocks.corrupt("block size out of range: offset=" + block + " size=" + size + " top=" + end);
            }
            if (BlockLayout.inUse(head)) {
                if (count == found.length) {
                    found = Arrays.copyOf(found, count * 2);
                }
                found[count++] = block + BlockLayout.HEADER_LENGTH;
            }
            block += size;
        }
        return Arrays.copyOf(found, count);
    }

    private long walkBlocks() {
        long live = 0;
        long used = 0;
        long blocksWalked = 0;
        boolean prevInUse = true;
        long block = heapStart;
        while (block < top) {
            ticker.at(block);
            long head = memory.readLong(block);
            long size = BlockLayout.size(head);
            if (size < MIN_BLOCK || size > top - block) {
                problem("block size out of range: offset=" + block + " size=" + size + " top=" + top);
                return blocksWalked;
            }
            blocksWalked++;
            if ((head & RESERVED_HEAD_BITS) != 0) {
                problem("reserved bits set in a block head: offset=" + block + " head=0x" + Long.toHexString(head));
            }
            boolean inUse = BlockLayout.inUse(head);
            if (BlockLayout.prevInUse(head) != prevInUse) {
                problem("PINUSE disagrees with the previous block: offset=" + block + " PINUSE="
                        + BlockLayout.prevInUse(head) + " previousInUse=" + prevInUse);
            }
            if (inUse) {
                live++;
                used += size;
                if (memory.readLong(block + CHECK_OFFSET) != BlockLayout.checkWord(block, size, salt)) {
                    problem("check word wrong: offset=" + block + " size=" + size);
                }
            } else {
                if (!prevInUse) {
                    problem("two free blocks touch: offset=" + block);
                }
                if (memory.readLong(block + size - 8) != size) {
                    problem("footer disagrees with head: offset=" + block + " size=" + size + " footer="
                            + memory.readLong(block + size - 8));
                }
                addFree(block);
            }
            prevInUse = inUse;
            block += size;
        }
        if (!prevInUse) {
            problem("a free block touches the top: top=" + top);
        }
        expectHeader(HeaderLayout.LIVE_BLOCKS_OFFSET, "liveBlocks", live);
        expectHeader(HeaderLayout.USED_BYTES_OFFSET, "usedBytes", used);
        expectHeader(HeaderLayout.FREE_BLOCKS_OFFSET, "freeBlocks", freeCount);
        return blocksWalked;
    }

    private void expectHeader(int offset, String name, long counted) {
        long stored = memory.readLong(offset);
        if (stored != counted) {
            problem("header counter wrong: field=" + name + " stored=" + stored + " counted=" + counted);
        }
    }

    private void addFree(long block) {
        if (freeCount == freeOffsets.length) {
            freeOffsets = Arrays.copyOf(freeOffsets, freeCount * 2);
        }
        freeOffsets[freeCount++] = block; // the walk goes up, so the array stays sorted
    }

    /** @return the free block's index when {@code offset} is a free block's start, else -1 */
    private int freeIndex(long offset) {
        int i = Arrays.binarySearch(freeOffsets, 0, freeCount, offset);
        return i >= 0 ? i : -1;
    }

    /** Marks a free block as found on a structure; reports it when it is not free or found twice. */
    private boolean claim(long offset, String where) {
        int i = freeIndex(offset);
        if (i < 0) {
            problem(where + " links to something that is not a free block: offset=" + offset);
            return false;
        }
        if (seen.get(i)) {
            problem(where + " reaches a free block a second time: offset=" + offset);
            return false;
        }
        seen.set(i);
        return true;
    }

    private long checkLists() {
        long summary = memory.readLong(HeaderLayout.SMALL_SUMMARY_OFFSET);
        for (int word = 0; word < 64; word++) {
            boolean summaryBit = (summary & (1L << word)) != 0;
            boolean nonZero = word < HeaderLayout.SMALL_MAP_WORDS
                    && memory.readLong(HeaderLayout.smallMapOffset(word)) != 0;
            if (summaryBit != nonZero) {
                problem("smallSummary bit disagrees with the bitmap: word=" + word + " bit=" + summaryBit);
            }
        }
        long listed = 0;
        for (int index = 0; index < HeaderLayout.SMALL_HEADS_COUNT; index++) {
            long first = memory.readLong(HeaderLayout.smallHeadOffset(index));
            long map = memory.readLong(HeaderLayout.smallMapOffset(index >>> 6));
            boolean bit = (map & (1L << index)) != 0;
            if (bit != (first != 0)) {
                problem("smallMap bit disagrees with the list: list=" + index + " bit=" + bit + " head=" + first);
            }
            long prev = 0;
            long block = first;
            String where = "free list " + index;
            while (block != 0) {
                if (!claim(block, where)) {
                    break;
                }
                listed++;
                long size = BlockLayout.size(memory.readLong(block));
                if (size != (long) index << 4) {
                    problem("block on the wrong list: offset=" + block + " size=" + size + " list=" + index);
                }
                if (memory.readLong(block + PREV_OFFSET) != prev) {
                    problem("list back link wrong: offset=" + block + " prev=" + memory.readLong(block + PREV_OFFSET)
                            + " expected=" + prev);
                }
                prev = block;
                block = memory.readLong(block + NEXT_OFFSET);
            }
        }
        return listed;
    }

    private void checkTree() {
        long root = memory.readLong(HeaderLayout.TREE_ROOT_OFFSET);
        checkSubtree(root, 0, -1, -1, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * @return the subtree's height, or -1 when it is broken
     */
    private long checkSubtree(long node, int depth, long minSize, long minOffset, long maxSize, long maxOffset) {
        if (node == 0) {
            return 0;
        }
        if (depth > FreeTree.MAX_DEPTH || !claim(node, "free tree")) {
            if (depth > FreeTree.MAX_DEPTH) {
                problem("free tree too deep: depth=" + depth);
            }
            return -1;
        }
        treeNodes++;
        long size = BlockLayout.size(memory.readLong(node));
        if (size < TREE_MIN_BLOCK) {
            problem("small block in the tree: offset=" + node + " size=" + size);
        }
        boolean aboveMin = size > minSize || (size == minSize && node > minOffset);
        boolean belowMax = size < maxSize || (size == maxSize && node < maxOffset);
        if (!aboveMin || !belowMax) {
            problem("tree out of order: offset=" + node + " size=" + size);
        }
        long left = checkSubtree(memory.readLong(node + LEFT_OFFSET), depth + 1, minSize, minOffset, size, node);
        long right = checkSubtree(memory.readLong(node + RIGHT_OFFSET), depth + 1, size, node, maxSize, maxOffset);
        if (left < 0 || right < 0) {
            return -1;
        }
        long height = 1 + Math.max(left, right);
        long stored = memory.readLong(node + HEIGHT_OFFSET);
        if (stored != height) {
            problem("tree height wrong: offset=" + node + " stored=" + stored + " actual=" + height);
        }
        if (Math.abs(left - right) > 1) {
            problem("tree unbalanced: offset=" + node + " leftHeight=" + left + " rightHeight=" + right);
        }
        return height;
    }
}
