package dev.mappedheap.allocator.alloc;

import static dev.mappedheap.allocator.format.BlockLayout.HEIGHT_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.LEFT_OFFSET;
import static dev.mappedheap.allocator.format.BlockLayout.RIGHT_OFFSET;
import static dev.mappedheap.allocator.format.HeaderLayout.TREE_ROOT_OFFSET;

import dev.mappedheap.allocator.format.BlockLayout;

/**
 * Allocator layer: the best-fit AVL tree of free blocks of 8 KiB and more, keyed by (size, offset), whose
 * nodes are the free blocks themselves (left, right and height live in the block's first words).
 *
 * <p>No parent links: insert and remove descend from the root recursively and fix heights and balance on
 * the way back up, which writes fewer words than maintaining parents. Every write goes through the journal
 * and is skipped when the word does not change. Recursion is bounded by {@link #MAX_DEPTH}: an AVL tree that
 * deep would hold more blocks than any file can, so a deeper walk means a cycle in a corrupt file.
 */
final class FreeTree {
    /** An AVL tree of height h holds at least fib(h+2)-1 nodes; height 90 would need more than 2^60. */
    static final int MAX_DEPTH = 90;

    private final Blocks blocks;

    FreeTree(Blocks blocks) {
        this.blocks = blocks;
    }

    long root() {
        return blocks.header(TREE_ROOT_OFFSET);
    }

    private long left(long node) {
        long child = blocks.word(node, LEFT_OFFSET);
        return child == 0 ? 0 : blocks.checkedBlock(child, "tree left");
    }

    private long right(long node) {
        long child = blocks.word(node, RIGHT_OFFSET);
        return child == 0 ? 0 : blocks.checkedBlock(child, "tree right");
    }

    /**
     * Checks that a node about to be written (rotated, or moved as a successor) is a free block: a damaged
     * link must not make the tree write its links into a block in use. Nodes on a search path are checked
     * by {@link #size}; the head read here shares a cache line with the links written next.
     *
     * @return {@code node}
     */
    private long requireFree(long node) {
        size(node);
        return node;
    }

    private long height(long node) {
        if (node == 0) {
            return 0;
        }
        long height = blocks.word(node, HEIGHT_OFFSET);
        if (height < 1 || height > MAX_DEPTH + 1) {
            throw Blocks.corrupt("tree node height out of range: offset=" + node + " height=" + height);
        }
        return height;
    }

    /** @return the node's size; its head must say free, or tree writes would land in a block in use */
    private long size(long node) {
        long head = blocks.head(node);
        if (BlockLayout.inUse(head)) {
            throw Blocks.corrupt("free tree links to a block in use: offset=" + node + " head=0x"
                    + Long.toHexString(head));
        }
        return BlockLayout.size(head);
    }

    private static boolean less(long size, long offset, long otherSize, long otherOffset) {
        return size < otherSize || (size == otherSize && offset < otherOffset);
    }

    /** @return the free block with the smallest (size, offset) whose size is at least {@code size}, or 0 */
    long bestFit(long size) {
        long best = 0;
        long node = root();
        if (node != 0) {
            node = blocks.checkedBlock(node, "treeRoot");
        }
        for (int depth = 0; node != 0; depth++) {
            checkDepth(depth);
            if (size(node) >= size) {
                best = node;
                node = left(node);
            } else {
                node = right(node);
            }
        }
        return best;
    }

    /** @return the largest free block in the tree, or 0 when it is empty */
    long largest() {
        long node = root();
        if (node == 0) {
            return 0;
        }
        node = blocks.checkedBlock(node, "treeRoot");
        for (int depth = 0; ; depth++) {
            checkDepth(depth);
            long right = right(node);
            if (right == 0) {
                return node;
            }
            node = right;
        }
    }

    void insert(long block, long size) {
        long root = root();
        long newRoot = insert(root == 0 ? 0 : blocks.checkedBlock(root, "treeRoot"), block, size, 0);
        blocks.setHeader(TREE_ROOT_OFFSET, newRoot);
    }

    private long insert(long node, long block, long size, int depth) {
        if (node == 0) {
            blocks.setWord(block, LEFT_OFFSET, 0);
            blocks.setWord(block, RIGHT_OFFSET, 0);
            blocks.setWord(block, HEIGHT_OFFSET, 1);
            return block;
        }
        checkDepth(depth);
        if (less(size, block, size(node), node)) {
            blocks.setWord(node, LEFT_OFFSET, insert(left(node), block, size, depth + 1));
        } else {
            blocks.setWord(node, RIGHT_OFFSET, insert(right(node), block, size, depth + 1));
        }
        return rebalance(node);
    }

    void remove(long block, long size) {
        long root = root();
        if (root == 0) {
            throw Blocks.corrupt("free block missing from the empty tree: offset=" + block + " size=" + size);
        }
        blocks.setHeader(TREE_ROOT_OFFSET, remove(blocks.checkedBlock(root, "treeRoot"), block, size, 0));
    }

    private long remove(long node, long block, long size, int depth) {
        if (node == 0) {
            throw Blocks.corrupt("free block missing from the tree: offset=" + block + " size=" + size);
        }
        checkDepth(depth);
        if (node == block) {
            long left = left(node);
            long right = right(node);
            if (left == 0) {
                return right;
            }
            if (right == 0) {
                return left;
            }
            long successor = leftmost(right, depth);
            blocks.setWord(successor, RIGHT_OFFSET, removeLeftmost(right, depth + 1));
            blocks.setWord(successor, LEFT_OFFSET, left);
            return rebalance(successor);
        }
        if (less(size, block, size(node), node)) {
            blocks.setWord(node, LEFT_OFFSET, remove(left(node), block, size, depth + 1));
        } else {
            blocks.setWord(node, RIGHT_OFFSET, remove(right(node), block, size, depth + 1));
        }
        return rebalance(node);
    }

    private long leftmost(long node, int depth) {
        for (long left = left(node); left != 0; left = left(node)) {
            checkDepth(++depth);
            node = left;
        }
        return requireFree(node);
    }

    private long removeLeftmost(long node, int depth) {
        checkDepth(depth);
        requireFree(node);
        long left = left(node);
        if (left == 0) {
            return right(node);
        }
        blocks.setWord(node, LEFT_OFFSET, removeLeftmost(left, depth + 1));
        return rebalance(node);
    }

    private long rebalance(long node) {
        long left = left(node);
        long right = right(node);
        long leftHeight = height(left);
        long rightHeight = height(right);
        if (leftHeight > rightHeight + 1) {
            if (height(left(left)) < height(right(left))) {
                blocks.setWord(node, LEFT_OFFSET, rotateLeft(left));
            }
            return rotateRight(node);
        }
        if (rightHeight > leftHeight + 1) {
            if (height(right(right)) < height(left(right))) {
                blocks.setWord(node, RIGHT_OFFSET, rotateRight(right));
            }
            return rotateLeft(node);
        }
        blocks.setWord(node, HEIGHT_OFFSET, 1 + Math.max(leftHeight, rightHeight));
        return node;
    }

    private long rotateRight(long node) {
        requireFree(node);
        long pivot = requireFree(requirePivot(left(node), node));
        blocks.setWord(node, LEFT_OFFSET, right(pivot));
        fixHeight(node);
        blocks.setWord(pivot, RIGHT_OFFSET, node);
        fixHeight(pivot);
        return pivot;
    }

    private long rotateLeft(long node) {
        requireFree(node);
        long pivot = requireFree(requirePivot(right(node), node));
        blocks.setWord(node, RIGHT_OFFSET, left(pivot));
        fixHeight(node);
        blocks.setWord(pivot, LEFT_OFFSET, node);
        fixHeight(pivot);
        return pivot;
    }

    /** A rotation needs the child the stored heights promise; a missing one means the heights lie. */
    private static long requirePivot(long pivot, long node) {
        if (pivot == 0) {
            throw Blocks.corrupt("tree heights promise a child that is missing: offset=" + node);
        }
        return pivot;
    }

    private void fixHeight(long node) {
        blocks.setWord(node, HEIGHT_OFFSET, 1 + Math.max(height(left(node)), height(right(node))));
    }

    private static void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw Blocks.corrupt("free tree deeper than any valid tree: depth=" + depth + " (a cycle?)");
        }
    }
}
