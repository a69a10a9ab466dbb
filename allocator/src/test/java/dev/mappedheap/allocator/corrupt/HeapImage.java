package dev.mappedheap.allocator.corrupt;

import dev.mappedheap.allocator.format.BlockLayout;
import dev.mappedheap.allocator.format.HeaderLayout;
import dev.mappedheap.allocator.format.JournalLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bytes of an intact heap file and what they mean, read straight from docs/FORMAT.md (not through the
 * library): where the header's words, the blocks, the free lists, the tree and the journal are, so that
 * mutations can aim at the words that matter rather than at payload. Only ever built from a heap that passed
 * {@code check()}, so its walks trust the file; the copy it mutates is a fresh array each time.
 */
final class HeapImage {
    /** One block of the walk from the first block to the top. */
    record Block(long offset, long size, boolean inUse) {
        long payload() {
            return offset + BlockLayout.HEADER_LENGTH;
        }
    }

    final String name;
    final byte[] bytes;
    final long heapStart;
    final long capacity;
    final long top;
    final long journalOffset;
    final int journalCapacity;
    final long journalSeq;
    final List<Block> blocks = new ArrayList<>();
    /** Free blocks under 8 KiB: on the exact-size lists. */
    final List<Block> listed = new ArrayList<>();
    /** Free blocks of 8 KiB and more: nodes of the tree. */
    final List<Block> treeNodes = new ArrayList<>();
    final List<Block> live = new ArrayList<>();
    /** Entries of the journal whose seq equals journalSeq (non-zero only for a heap left mid-operation). */
    final int liveJournalEntries;

    HeapImage(String name, byte[] bytes) {
        this.name = name;
        this.bytes = bytes;
        this.heapStart = word(HeaderLayout.HEAP_START_OFFSET);
        this.capacity = word(HeaderLayout.CAPACITY_OFFSET);
        this.top = word(HeaderLayout.TOP_OFFSET);
        this.journalOffset = word(HeaderLayout.JOURNAL_OFFSET_OFFSET);
        this.journalCapacity = buffer().getInt(HeaderLayout.JOURNAL_CAPACITY_OFFSET);
        this.journalSeq = word(HeaderLayout.JOURNAL_SEQ_OFFSET);
        for (long block = heapStart; block < top; ) {
            long head = word(block);
            long size = BlockLayout.size(head);
            if (size < BlockLayout.MIN_BLOCK || size > top - block) {
                break; // only a heap left mid-operation can get here; its journal puts it right on open
            }
            Block b = new Block(block, size, BlockLayout.inUse(head));
            blocks.add(b);
            (b.inUse() ? live : size < BlockLayout.TREE_MIN_BLOCK ? listed : treeNodes).add(b);
            block += size;
        }
        int entries = 0;
        while (entries < journalCapacity && word(entryOffset(entries) + JournalLayout.SEQ_OFFSET) == journalSeq) {
            entries++;
        }
        this.liveJournalEntries = entries;
    }

    /** @return the images of the given heap files, named after them */
    static List<HeapImage> read(List<Path> files) throws IOException {
        List<HeapImage> images = new ArrayList<>();
        for (Path file : files) {
            images.add(new HeapImage(file.getFileName().toString(), Files.readAllBytes(file)));
        }
        return images;
    }

    private ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    long word(long offset) {
        return buffer().getLong((int) offset);
    }

    long entryOffset(int entry) {
        return journalOffset + (long) JournalLayout.ENTRY_LENGTH * entry;
    }

    /** @return true when a live journal entry restores a word inside {@code block} */
    boolean journalTouches(Block block) {
        for (int e = 0; e < liveJournalEntries; e++) {
            long address = word(entryOffset(e) + JournalLayout.ADDRESS_OFFSET);
            if (address >= block.offset() && address - block.offset() < block.size()) {
                return true;
            }
        }
        return false;
    }

    long treeRoot() {
        return word(HeaderLayout.TREE_ROOT_OFFSET);
    }

    /** @return the non-empty exact-size lists' indexes */
    int[] nonEmptyLists() {
        return java.util.stream.IntStream.range(0, HeaderLayout.SMALL_HEADS_COUNT)
                .filter(i -> word(HeaderLayout.smallHeadOffset(i)) != 0).toArray();
    }

    /**
     * @return every word a reader interprets: the header's fields, the small-list heads and bitmap, live
     *     journal entries and entry 0, each block's head and check or link words, and free blocks' footers
     */
    long[] metadataWords() {
        List<Long> words = new ArrayList<>();
        for (long w = 0; w < 320; w += 8) {
            words.add(w);
        }
        for (int i : nonEmptyLists()) {
            words.add((long) HeaderLayout.smallHeadOffset(i));
        }
        for (int e = 0; e < Math.max(1, liveJournalEntries); e++) {
            for (int f = 0; f < JournalLayout.ENTRY_LENGTH; f += 8) {
                words.add(entryOffset(e) + f);
            }
        }
        for (Block b : blocks) {
            words.add(b.offset());
            words.add(b.offset() + 8);
            if (!b.inUse()) {
                words.add(b.offset() + 16);
                words.add(b.offset() + 24);
                words.add(b.offset() + b.size() - 8);
            }
        }
        return words.stream().mapToLong(Long::longValue).toArray();
    }

    byte[] copy() {
        return Arrays.copyOf(bytes, bytes.length);
    }

    @Override
    public String toString() {
        return name + "{capacity=" + capacity + " top=" + top + " blocks=" + blocks.size() + " live=" + live.size()
                + " listed=" + listed.size() + " treeNodes=" + treeNodes.size() + " liveJournalEntries="
                + liveJournalEntries + "}";
    }
}
