package dev.mappedheap.allocator.alloc;

import static dev.mappedheap.allocator.format.BlockLayout.HEIGHT_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.LEFT_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.NEXT_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.PINUSE;
import static dev.mappedheap.allocator.format.BlockLayout.PREV_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.RIGHT_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.TREE_MIN_BLOCK;

import dev.mappedheap.allocator.format.HeaderLayout;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Allocator layer, repair: rebuilds the free structures from scratch. The exact-size lists are linked while
 * the walk finds their blocks, with their heads kept here until {@link #publish()}; the tree's nodes are
 * collected and then built in one go as a perfectly balanced tree over their (size, offset) order, which is
 * a valid AVL tree (the two halves of every range differ by at most one node, so their heights by at most
 * one).
 */
final class FreeIndexBuilder {
    private static final int HEADS = HeaderLayout.SMALL_HEADS_COUNT;

    private final RepairWriter writer;
    private final long[] listFirst = new long[HEADS];
    private final long[] oldHeads = new long[HEADS];
    private final long[] oldMap = new long[HeaderLayout.SMALL_MAP_WORDS];
    private long oldSummary;
    private long oldRoot;
    private long[] nodeOffsets = new long[16];
    private long[] nodeSizes = new long[16];
    private int nodes;
    private long freeBlocks;

    FreeIndexBuilder(RepairWriter writer) {
        this.writer = writer;
    }

    /** Empties every entry point to a free block (tree root, bitmaps, list heads), remembering the old values. */
    void unpublish() {
        oldRoot = writer.read(HeaderLayout.TREE_ROOT_OFFSET);
        writer.setQuietly(HeaderLayout.TREE_ROOT_OFFSET, 0);
        oldSummary = writer.read(HeaderLayout.SMALL_SUMMARY_OFFSET);
        writer.setQuietly(HeaderLayout.SMALL_SUMMARY_OFFSET, 0);
        for (int word = 0; word < oldMap.length; word++) {
            oldMap[word] = writer.read(HeaderLayout.smallMapOffset(word));
            writer.setQuietly(HeaderLayout.smallMapOffset(word), 0);
        }
        for (int i = 0; i < HEADS; i++) {
            oldHeads[i] = writer.read(HeaderLayout.smallHeadOffset(i));
            if (oldHeads[i] != 0) {
                writer.setQuietly(HeaderLayout.smallHeadOffset(i), 0);
            }
        }
    }

    /**
     * Makes {@code [block, block + size)} one free block: head, footer, and a place on its list (linked now)
     * or in the tree (linked at {@link #publish()}). The block before it is in use (or it is the first).
     */
    void addFree(long block, long size) {
        writer.set(block, size | PINUSE, "free block heads");
        writer.set(block + size - 8, size, "free block footers");
        freeBlocks++;
        if (size < TREE_MIN_BLOCK) {
            int list = SmallBins.index(size);
            long first = listFirst[list];
            writer.set(block + NEXT_OFFSET, first, "free list links");
            writer.set(block + PREV_OFFSET, 0, "free list links");
            if (first != 0) {
                writer.set(first + PREV_OFFSET, block, "free list links");
            }
            listFirst[list] = block;
            return;
        }
        if (nodes == nodeOffsets.length) {
            nodeOffsets = Arrays.copyOf(nodeOffsets, nodes * 2);
            nodeSizes = Arrays.copyOf(nodeSizes, nodes * 2);
        }
        nodeOffsets[nodes] = block;
        nodeSizes[nodes] = size;
        nodes++;
    }

    /** @return free blocks added */
    long freeBlocks() {
        return freeBlocks;
    }

    /** Links the tree, then stores the list heads, bitmaps and tree root, counting those that changed. */
    void publish() {
        Integer[] order = new Integer[nodes];
        for (int i = 0; i < nodes; i++) {
            order[i] = i;
        }
        // the walk added nodes in offset order and the sort is stable: ties in size stay ordered by offset
        Arrays.sort(order, Comparator.comparingLong(i -> nodeSizes[i]));
        long[] sorted = new long[nodes];
        for (int i = 0; i < nodes; i++) {
            sorted[i] = nodeOffsets[order[i]];
        }
        long root = build(sorted, 0, nodes);
        long summary = 0;
        long[] map = new long[oldMap.length];
        for (int i = 0; i < HEADS; i++) {
            if (listFirst[i] != 0) {
                map[i >>> 6] |= 1L << i;
                summary |= 1L << (i >>> 6);
            }
            publishWord(HeaderLayout.smallHeadOffset(i), oldHeads[i], listFirst[i], "free list heads");
        }
        for (int word = 0; word < map.length; word++) {
            publishWord(HeaderLayout.smallMapOffset(word), oldMap[word], map[word], "free list bitmaps");
        }
        publishWord(HeaderLayout.SMALL_SUMMARY_OFFSET, oldSummary, summary, "free list bitmaps");
        publishWord(HeaderLayout.TREE_ROOT_OFFSET, oldRoot, root, "free tree root");
    }

    private void publishWord(int offset, long old, long value, String what) {
        if (value != 0) {
            writer.setQuietly(offset, value);
        }
        if (value != old) {
            writer.count(what);
        }
    }

    /** @return the root of a balanced tree over {@code sorted[from, to)}, 0 when empty */
    private long build(long[] sorted, int from, int to) {
        if (from >= to) {
            return 0;
        }
        int mid = (from + to) >>> 1;
        long node = sorted[mid];
        long left = build(sorted, from, mid);
        long right = build(sorted, mid + 1, to);
        writer.set(node + LEFT_OFFSET, left, "free tree links and heights");
        writer.set(node + RIGHT_OFFSET, right, "free tree links and heights");
        writer.set(node + HEIGHT_OFFSET, 1 + Math.max(height(left), height(right)), "free tree links and heights");
        return node;
    }

    private long height(long node) {
        return node == 0 ? 0 : writer.read(node + HEIGHT_OFFSET);
    }
}
