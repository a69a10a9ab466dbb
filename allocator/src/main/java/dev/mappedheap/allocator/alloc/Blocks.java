package dev.mappedheap.allocator.alloc;

import static dev.mappedheap.allocator.format.BlockLayout.ALIGNMENT;
import static dev.mappedheap.allocator.format.BlockLayout.MIN_BLOCK;

import dev.mappedheap.allocator.HeapCorruptedException;
import dev.mappedheap.allocator.format.BlockLayout;
import dev.mappedheap.allocator.format.HeaderLayout;
import dev.mappedheap.allocator.internal.HeapMemory;
import dev.mappedheap.allocator.journal.UndoJournal;

/**
 * Allocator layer: reading and writing block headers and header fields. Reads go straight to the mapping
 * (bounds-checked there); every write goes through the journal. Offsets read from the file pass through
 * {@link #checkedBlock} before they are followed, so a corrupt link is reported, not dereferenced blindly.
 */
final class Blocks {
    final HeapMemory memory;
    final UndoJournal journal;
    final long heapStart;
    final long salt;

    Blocks(HeapMemory memory, UndoJournal journal, long heapStart, long salt) {
        this.memory = memory;
        this.journal = journal;
        this.heapStart = heapStart;
        this.salt = salt;
    }

    long head(long block) {
        return memory.readLong(block);
    }

    void setHead(long block, long head) {
        journal.write(block, head);
    }

    /** Writes a word in the top region, whose old contents mean nothing: see {@link UndoJournal#writeFresh}. */
    void setFreshWord(long offset, long value) {
        journal.writeFresh(offset, value);
    }

    long word(long block, int fieldOffset) {
        return memory.readLong(block + fieldOffset);
    }

    void setWord(long block, int fieldOffset, long value) {
        journal.write(block + fieldOffset, value);
    }

    /** Writes the boundary tag at the end of a free block. */
    void setFooter(long block, long size) {
        journal.write(block + size - 8, size);
    }

    long header(int fieldOffset) {
        return memory.readLong(fieldOffset);
    }

    void setHeader(int fieldOffset, long value) {
        journal.write(fieldOffset, value);
    }

    void addToHeader(int fieldOffset, long delta) {
        journal.write(fieldOffset, memory.readLong(fieldOffset) + delta);
    }

    long top() {
        return memory.readLong(HeaderLayout.TOP_OFFSET);
    }

    long capacity() {
        return memory.readLong(HeaderLayout.CAPACITY_OFFSET);
    }

    long checkWord(long block, long size) {
        return BlockLayout.checkWord(block, size, salt);
    }

    /**
     * @param block an offset read from the file that should be the start of a block
     * @param field what the offset was read from, for the message
     * @return {@code block}, when it is aligned and a whole minimal block fits between it and the top
     * @throws HeapCorruptedException otherwise
     */
    long checkedBlock(long block, String field) {
        if ((block & (ALIGNMENT - 1)) != 0 || block < heapStart || block > top() - MIN_BLOCK) {
            throw new HeapCorruptedException("link does not point at a block: field=" + field + " offset=" + block
                    + " heapStart=" + heapStart + " top=" + top());
        }
        return block;
    }

    /**
     * @return the size of the free block at {@code block}, after checking its head says free and that it ends
     *     before the top. The footer is not read here (it is another cache miss at the block's far end): the
     *     callers that take, split or merge the block check it with {@link #checkFooter} where its line is
     *     loaded anyway.
     */
    long checkedFreeSize(long block, String field) {
        long head = head(block);
        long size = BlockLayout.size(head);
        if (BlockLayout.inUse(head) || size < MIN_BLOCK || size > top() - block) {
            throw new HeapCorruptedException("not a free block: field=" + field + " offset=" + block + " head=0x"
                    + Long.toHexString(head) + " top=" + top());
        }
        return size;
    }

    /**
     * Checks the footer of a free block the caller is about to take, split or merge, whose size came from its
     * head: a head whose size was damaged would otherwise make the allocator hand out, or write its
     * metadata into, the blocks that follow, which a program still owns. Costs no extra cache miss where
     * it is called: the footer's line is written (through the journal, which reads it first) or its
     * neighbour read right after.
     *
     * @throws HeapCorruptedException if the footer is not the size
     */
    void checkFooter(long block, long size, String field) {
        long footer = memory.readLong(block + size - 8);
        if (footer != size) {
            throw new HeapCorruptedException("free block's footer disagrees with its head: field=" + field + " offset="
                    + block + " size=" + size + " footer=" + footer);
        }
    }

    static HeapCorruptedException corrupt(String message) {
        return new HeapCorruptedException(message);
    }
}
