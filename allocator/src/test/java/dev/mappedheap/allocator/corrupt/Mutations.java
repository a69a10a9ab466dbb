package dev.mappedheap.allocator.corrupt;

import static dev.mappedheap.allocator.format.HeaderLayout.*;

import dev.mappedheap.allocator.format.BlockLayout;
import dev.mappedheap.allocator.format.JournalLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The corpus: every mutation of the base heaps the suite tries, numbered, built the same way in the parent
 * (which only counts them) and in each child (which runs a range of them). Families: truncation, each header
 * field set to out-of-range values (with and without a repaired checksum), structural damage (loops in the
 * free lists and the tree, overlapping and overlong blocks, broken footers), hostile journal entries, and
 * seeded random bit flips aimed mostly at metadata words.
 */
final class Mutations {
    /** One way to damage one base heap. */
    record Mutation(int id, String family, int base, String what, Consumer<MutableFile> apply) {
        MutableFile applyTo(HeapImage image) {
            MutableFile file = new MutableFile(image.copy());
            apply.accept(file);
            return file;
        }

        @Override
        public String toString() {
            return "#" + id + " " + family + " base=" + base + " " + what;
        }
    }

    /** A header field: name, offset, width in bytes, and whether the checksum covers it. */
    private record Field(String name, int offset, int width) {
        boolean checksummed() {
            return offset < CHECKSUMMED_LENGTH;
        }
    }

    private final List<HeapImage> bases;
    private final List<Mutation> all = new ArrayList<>();

    private Mutations(List<HeapImage> bases) {
        this.bases = bases;
    }

    /**
     * @param bases the intact heaps; base 0 must have free lists and a tree
     * @param seed seeds the random flips
     * @param randomFlips how many random mutations to add
     */
    static List<Mutation> build(List<HeapImage> bases, long seed, int randomFlips) {
        Mutations m = new Mutations(bases);
        for (int b = 0; b < bases.size(); b++) {
            m.truncations(b);
        }
        m.headerFields(0);
        m.headerFields(bases.size() - 1); // the last base is left mid-operation, with a live journal
        for (int b = 0; b < bases.size(); b++) {
            m.freeLists(b);
            m.tree(b);
            m.blocks(b);
            m.journal(b);
        }
        m.randomFlips(seed, randomFlips);
        return m.all;
    }

    private void add(String family, int base, String what, Consumer<MutableFile> apply) {
        all.add(new Mutation(all.size(), family, base, what, apply));
    }

    // ---------------------------------------------------------------- truncation

    private void truncations(int b) {
        HeapImage img = bases.get(b);
        long len = img.bytes.length;
        long[] points = {0, 1, 7, 8, 12, 63, 64, 72, 128, 144, 160, 4095, 4096, 4097, 8191, 8192, 8193,
            img.journalOffset + 24, img.heapStart - 1, img.heapStart, img.heapStart + 16, img.heapStart + 4096,
            img.top / 2, img.top - 1, img.top, len / 2, len - 4096, len - 16, len - 1};
        for (long at : points) {
            if (at >= 0 && at < len) {
                add("truncate", b, "length=" + at, f -> f.truncate(at));
            }
        }
    }

    // ---------------------------------------------------------------- header fields

    private static final List<Field> FIELDS = List.of(
            new Field("magic", MAGIC_OFFSET, 8), new Field("formatVersion", FORMAT_VERSION_OFFSET, 4),
            new Field("headerLength", HEADER_LENGTH_OFFSET, 4), new Field("heapStart", HEAP_START_OFFSET, 8),
            new Field("journalOffset", JOURNAL_OFFSET_OFFSET, 8),
            new Field("journalCapacity", JOURNAL_CAPACITY_OFFSET, 4), new Field("flags", FLAGS_OFFSET, 4),
            new Field("salt", SALT_OFFSET, 8), new Field("growthIncrement", GROWTH_INCREMENT_OFFSET, 8),
            new Field("maxSize", MAX_SIZE_OFFSET, 8), new Field("headerChecksum", HEADER_CHECKSUM_OFFSET, 8),
            new Field("reserved72", 72, 8), new Field("journalSeq", JOURNAL_SEQ_OFFSET, 8),
            new Field("lockWord", LOCK_WORD_OFFSET, 8), new Field("capacity", CAPACITY_OFFSET, 8),
            new Field("top", TOP_OFFSET, 8), new Field("root", ROOT_OFFSET, 8),
            new Field("liveBlocks", LIVE_BLOCKS_OFFSET, 8), new Field("usedBytes", USED_BYTES_OFFSET, 8),
            new Field("freeBlocks", FREE_BLOCKS_OFFSET, 8), new Field("smallSummary", SMALL_SUMMARY_OFFSET, 8),
            new Field("treeRoot", TREE_ROOT_OFFSET, 8), new Field("lockTakeovers", LOCK_TAKEOVERS_OFFSET, 8),
            new Field("recoveries", RECOVERIES_OFFSET, 8), new Field("reserved224", 224, 8),
            new Field("smallMap[0]", smallMapOffset(0), 8), new Field("smallMap[7]", smallMapOffset(7), 8),
            new Field("reserved320", 320, 8), new Field("smallHeads[0]", smallHeadOffset(0), 8),
            new Field("smallHeads[2]", smallHeadOffset(2), 8), new Field("smallHeads[511]", smallHeadOffset(511), 8));

    private void headerFields(int b) {
        HeapImage img = bases.get(b);
        List<Field> fields = new ArrayList<>(FIELDS);
        int[] lists = img.nonEmptyLists();
        for (int i = 0; i < Math.min(3, lists.length); i++) {
            fields.add(new Field("smallHeads[" + lists[i] + "]", smallHeadOffset(lists[i]), 8));
            fields.add(new Field("smallMap[" + (lists[i] >>> 6) + "]", smallMapOffset(lists[i] >>> 6), 8));
        }
        for (Field field : fields) {
            for (long value : interestingValues(img)) {
                String what = field.name() + "=" + value;
                if (field.width() == 4) {
                    int v = (int) value;
                    add("header", b, field.name() + "=" + v, f -> f.putInt(field.offset(), v));
                    if (field.checksummed()) {
                        add("header", b, what + " +checksum", f -> {
                            f.putInt(field.offset(), v);
                            f.fixChecksum();
                        });
                    }
                } else {
                    add("header", b, what, f -> f.putLong(field.offset(), value));
                    if (field.checksummed() && field.offset() != HEADER_CHECKSUM_OFFSET) {
                        add("header", b, what + " +checksum", f -> {
                            f.putLong(field.offset(), value);
                            f.fixChecksum();
                        });
                    }
                }
            }
        }
    }

    /** Values that break range checks: zero, negative, huge, off by one, unaligned, or aimed at other regions. */
    private static long[] interestingValues(HeapImage img) {
        List<Long> values = new ArrayList<>(List.of(0L, -1L, 1L, 8L, 64L, 4096L, 4097L, 65536L, Long.MAX_VALUE,
                Long.MIN_VALUE, (long) Integer.MAX_VALUE, 1L << 40, HEADER_LENGTH + 24L, img.heapStart - 16,
                img.heapStart, img.heapStart + 8, img.top - 16, img.top, img.top + 16, img.capacity - 16,
                img.capacity, img.capacity + 1, img.capacity + 16, img.capacity + 4096, 2 * img.capacity));
        if (!img.live.isEmpty()) {
            values.add(img.live.get(img.live.size() / 2).offset());
            values.add(img.live.get(0).payload());
        }
        if (!img.listed.isEmpty()) {
            values.add(img.listed.get(0).offset());
        }
        if (!img.treeNodes.isEmpty()) {
            values.add(img.treeNodes.get(0).offset());
            values.add(img.treeNodes.get(0).offset() + 8);
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    // ---------------------------------------------------------------- structures

    private void freeLists(int b) {
        HeapImage img = bases.get(b);
        for (int i = 0; i < Math.min(4, img.listed.size()); i++) {
            long block = img.listed.get(i * img.listed.size() / 4).offset();
            long next = img.word(block + BlockLayout.NEXT_OFFSET);
            long head = img.word(smallHeadOffset((int) (BlockLayout.size(img.word(block)) >>> 4)));
            long[] targets = {block, head, img.heapStart, img.heapStart + 8, 4096, img.top, img.capacity, -16,
                otherLive(img), firstTreeNode(img)};
            for (long t : targets) {
                add("list", b, "block=" + block + " next=" + t, f -> f.putLong(block + BlockLayout.NEXT_OFFSET, t));
                add("list", b, "block=" + block + " prev=" + t, f -> f.putLong(block + BlockLayout.PREV_OFFSET, t));
            }
            if (next != 0) { // a loop of two: the successor points back to its predecessor
                add("list", b, "loop of two at block=" + block, f -> f.putLong(next + BlockLayout.NEXT_OFFSET, block));
                add("list", b, "loop of two with prevs at block=" + block, f -> {
                    f.putLong(next + BlockLayout.NEXT_OFFSET, block);
                    f.putLong(block + BlockLayout.PREV_OFFSET, next);
                });
            }
        }
    }

    private static long otherLive(HeapImage img) {
        return img.live.isEmpty() ? img.heapStart : img.live.get(img.live.size() / 3).offset();
    }

    private static long firstTreeNode(HeapImage img) {
        return img.treeNodes.isEmpty() ? img.heapStart + 32 : img.treeNodes.get(0).offset();
    }

    private void tree(int b) {
        HeapImage img = bases.get(b);
        long root = img.treeRoot();
        if (root == 0) {
            return;
        }
        List<Long> nodes = new ArrayList<>(List.of(root));
        long left = img.word(root + BlockLayout.LEFT_OFFSET);
        long right = img.word(root + BlockLayout.RIGHT_OFFSET);
        if (left != 0) {
            nodes.add(left);
        }
        if (right != 0) {
            nodes.add(right);
            long rl = img.word(right + BlockLayout.LEFT_OFFSET);
            if (rl != 0) {
                nodes.add(rl);
            }
        }
        long small = img.listed.isEmpty() ? img.heapStart : img.listed.get(0).offset();
        for (long node : nodes) {
            long[] links = {node, root, small, otherLive(img), img.top, img.capacity, 8192, node + 16, -32};
            for (long t : links) {
                add("tree", b, "node=" + node + " left=" + t, f -> f.putLong(node + BlockLayout.LEFT_OFFSET, t));
                add("tree", b, "node=" + node + " right=" + t, f -> f.putLong(node + BlockLayout.RIGHT_OFFSET, t));
            }
            for (long h : new long[] {0, -1, 1, 2, 91, 1000, Long.MAX_VALUE}) {
                add("tree", b, "node=" + node + " height=" + h, f -> f.putLong(node + BlockLayout.HEIGHT_OFFSET, h));
            }
            add("tree", b, "node=" + node + " both children=root", f -> {
                f.putLong(node + BlockLayout.LEFT_OFFSET, root);
                f.putLong(node + BlockLayout.RIGHT_OFFSET, root);
            });
            long size = BlockLayout.size(img.word(node));
            for (long s : new long[] {size + 16, size - 16, 4096, 1L << 50}) {
                add("tree", b, "node=" + node + " size=" + s, f -> f.putLong(node, s | BlockLayout.PINUSE));
            }
        }
    }

    private void blocks(int b) {
        HeapImage img = bases.get(b);
        List<HeapImage.Block> picks = new ArrayList<>();
        int n = img.blocks.size();
        for (int i : new int[] {0, 1, n / 3, n / 2, n - 2, n - 1}) {
            if (i >= 0 && i < n && !picks.contains(img.blocks.get(i))) {
                picks.add(img.blocks.get(i));
            }
        }
        if (!img.treeNodes.isEmpty()) {
            picks.add(img.treeNodes.get(0));
        }
        if (!img.listed.isEmpty()) {
            picks.add(img.listed.get(0));
        }
        for (HeapImage.Block block : picks) {
            long off = block.offset();
            long head = img.word(off);
            long flags = head & BlockLayout.FLAG_MASK;
            long[] sizes = {0, 16, block.size() + 16, block.size() + 32, block.size() * 2, img.top - off + 16,
                img.capacity - off + 4096, 1L << 62, Long.MAX_VALUE & ~15L};
            for (long s : sizes) {
                add("block", b, "offset=" + off + " size=" + s, f -> f.putLong(off, s | flags));
            }
            for (long fl : new long[] {flags ^ BlockLayout.CINUSE, flags ^ BlockLayout.PINUSE, flags | 12}) {
                add("block", b, "offset=" + off + " flags=" + fl, f -> f.putLong(off, block.size() | fl));
            }
            add("block", b, "offset=" + off + " check=0", f -> f.putLong(off + 8, 0));
            long footer = off + block.size() - 8;
            for (long v : new long[] {0, 16, block.size() + 16, -16, img.capacity}) {
                add("block", b, "offset=" + off + " footer=" + v, f -> f.putLong(footer, v));
            }
            // freed without telling anyone: CINUSE clear with a proper footer, on no list and not in the tree
            add("block", b, "offset=" + off + " freed behind the allocator's back", f -> {
                f.putLong(off, block.size() | (flags & ~BlockLayout.CINUSE));
                f.putLong(footer, block.size());
            });
        }
    }

    private void journal(int b) {
        HeapImage img = bases.get(b);
        long seq = img.journalSeq;
        long[] addresses = {0, 8, 64, 120, JOURNAL_SEQ_OFFSET, LOCK_WORD_OFFSET, CAPACITY_OFFSET, TOP_OFFSET,
            TREE_ROOT_OFFSET, 145, HEADER_LENGTH, HEADER_LENGTH + 24, img.heapStart - 8, img.heapStart,
            img.top, img.capacity - 8, img.capacity, img.capacity + 4096, Long.MAX_VALUE & ~7L, -8};
        long[] olds = {0, -1, Long.MAX_VALUE, img.capacity * 2, 8};
        int entry = img.liveJournalEntries; // past the live prefix, so the entry joins it
        for (long address : addresses) {
            for (long old : olds) {
                add("journal", b, "entry=" + entry + " address=" + address + " old=" + old, f -> {
                    f.putLong(img.entryOffset(entry) + JournalLayout.ADDRESS_OFFSET, address);
                    f.putLong(img.entryOffset(entry) + JournalLayout.OLD_VALUE_OFFSET, old);
                    f.putLong(img.entryOffset(entry) + JournalLayout.SEQ_OFFSET, seq);
                });
            }
        }
        add("journal", b, "every entry live, each restoring liveBlocks", f -> {
            for (int e = 0; e < img.journalCapacity; e++) {
                f.putLong(img.entryOffset(e) + JournalLayout.ADDRESS_OFFSET, LIVE_BLOCKS_OFFSET);
                f.putLong(img.entryOffset(e) + JournalLayout.OLD_VALUE_OFFSET, e);
                f.putLong(img.entryOffset(e) + JournalLayout.SEQ_OFFSET, seq);
            }
        });
        add("journal", b, "every entry live, the last one outside the file", f -> {
            for (int e = 0; e < img.journalCapacity; e++) {
                f.putLong(img.entryOffset(e) + JournalLayout.ADDRESS_OFFSET,
                        e == img.journalCapacity - 1 ? img.capacity + 8 : img.heapStart + 8L * e);
                f.putLong(img.entryOffset(e) + JournalLayout.OLD_VALUE_OFFSET, -1);
                f.putLong(img.entryOffset(e) + JournalLayout.SEQ_OFFSET, seq);
            }
        });
        for (long s : new long[] {0, seq - 1, seq + 1, -1, Long.MAX_VALUE}) {
            add("journal", b, "journalSeq=" + s, f -> f.putLong(JOURNAL_SEQ_OFFSET, s));
        }
        for (int e = 0; e < img.liveJournalEntries; e++) {
            int at = e;
            add("journal", b, "live entry=" + e + " old=-1", f -> f.putLong(img.entryOffset(at) + 8, -1));
            add("journal", b, "live entry=" + e + " address=capacity",
                    f -> f.putLong(img.entryOffset(at), img.capacity));
        }
    }

    // ---------------------------------------------------------------- random flips

    private void randomFlips(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        long[][] metadata = bases.stream().map(HeapImage::metadataWords).toArray(long[][]::new);
        for (int i = 0; i < count; i++) {
            int b = random.nextInt(bases.size());
            long mutationSeed = random.nextLong();
            HeapImage img = bases.get(b);
            long[] words = metadata[b];
            add("random", b, "seed=" + mutationSeed, f -> flip(new SplittableRandom(mutationSeed), img, words, f));
        }
    }

    /** One to a few damages: mostly single bit flips in metadata words, some whole words, a few anywhere. */
    private static void flip(SplittableRandom r, HeapImage img, long[] metadata, MutableFile f) {
        int damages = r.nextInt(8) < 6 ? 1 : 1 + r.nextInt(4);
        for (int d = 0; d < damages; d++) {
            int roll = r.nextInt(100);
            long word;
            if (roll < 10) {
                word = r.nextLong(f.length) & ~7L; // anywhere: payload, journal, reserved bytes
            } else if (roll < 15) {
                word = 8L * r.nextInt(CHECKSUMMED_LENGTH / 8 + 1); // the immutable header, checksum included
            } else {
                word = metadata[r.nextInt(metadata.length)];
            }
            if (r.nextInt(10) < 8) {
                f.flipBit(word + r.nextInt(8), r.nextInt(8));
            } else {
                long[] values = interestingValues(img);
                f.putLong(word, values[r.nextInt(values.length)]);
            }
        }
    }
}
