package dev.mappedheap.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.format.BlockLayout;
import dev.mappedheap.allocator.format.HeaderLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MappedHeap#repair()}: damage only what is derived from the block tags (lists, bitmaps, tree, counters,
 * footers, PINUSE), repair, and the heap checks clean with every allocated block's bytes unchanged; damage a
 * tag, and the repair reports the unreadable range and keeps every other block.
 *
 * <p>Seeds: {@code -Drepair.seed=N} runs one seed, {@code -Drepair.seeds=N} sets how many (default 60).
 */
class RepairTest {
    private static final long SEED = Long.getLong("repair.seed", 0x5EED_2026L);
    private static final int SEEDS = Integer.getInteger("repair.seeds", Long.getLong("repair.seed") != null ? 1 : 60);

    @TempDir Path dir;

    /** One block as a walk sees it. */
    record Block(long offset, long size, boolean inUse) {}

    @Test
    void repairOfDamagedDerivedMetadataKeepsEveryAllocatedByte() throws IOException {
        System.out.println("RepairTest seed=" + SEED + " seeds=" + SEEDS);
        int damagedBefore = 0;
        for (int i = 0; i < SEEDS; i++) {
            long seed = SEED + i;
            Path file = dir.resolve("h" + i + ".heap");
            SplittableRandom random = new SplittableRandom(seed);
            List<Block> blocks;
            Map<Long, String> hashes;
            try (MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults().initialSize(2 << 20))) {
                fill(heap, random);
                blocks = blocks(heap);
                hashes = payloadHashes(heap, blocks);
                assertThat(heap.check().ok()).isTrue();
            }
            List<String> damage = damageDerived(file, blocks, random);
            try (MappedHeap heap = MappedHeap.open(file)) {
                RepairReport report = heap.repair();
                String context = "seed=" + seed + " damage=" + damage + " report=" + report;
                if (!report.before().ok()) {
                    damagedBefore++;
                    assertThat(report.changed()).as(context).isTrue();
                }
                assertThat(report.ok()).as(context).isTrue();
                assertThat(report.unreadable()).as(context).isEmpty();
                assertThat(heap.check().ok()).as(context).isTrue();
                assertThat(payloadHashes(heap, blocks(heap))).as(context).isEqualTo(hashes);
                // the repaired structures serve allocations and frees again
                long[] more = new long[40];
                for (int k = 0; k < more.length; k++) {
                    more[k] = heap.allocate(random.nextInt(k % 5 == 0 ? 20_000 : 600));
                }
                assertThat(payloadHashes(heap, blocksExcept(heap, more))).as(context).isEqualTo(hashes);
                for (long p : more) {
                    heap.free(p);
                }
                assertThat(heap.check().ok()).as(context).isTrue();
                assertThat(heap.repair().changed()).as(context).isFalse();
            }
        }
        System.out.println("RepairTest: " + SEEDS + " damaged heaps, " + damagedBefore + " failed check before repair, all"
                + " clean after");
        assertThat(damagedBefore).as("the damage must usually break the check").isGreaterThan(SEEDS / 2);
    }

    @Test
    void repairOfDamagedTagsKeepsTheBytesOfEveryBlockWhoseTagsAreIntact() throws IOException {
        int unreadableRanges = 0;
        for (int i = 0; i < SEEDS; i++) {
            long seed = SEED + 1_000_000 + i;
            Path file = dir.resolve("t" + i + ".heap");
            SplittableRandom random = new SplittableRandom(seed);
            List<Block> blocks;
            Map<Long, byte[]> payloads = new LinkedHashMap<>();
            try (MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults().initialSize(2 << 20))) {
                fill(heap, random);
                blocks = blocks(heap);
                for (Block b : blocks) {
                    if (b.inUse()) {
                        payloads.put(b.offset(), HeapTestSupport.read(heap, b.offset() + 16, (int) b.size() - 16));
                    }
                }
            }
            // damage 1 to 4 words: a bit of a head, a check word, or any word of the block region
            List<Long> damaged = new ArrayList<>();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                Block b = blocks.get(random.nextInt(blocks.size()));
                long offset = switch (random.nextInt(3)) {
                    case 0 -> b.offset();
                    case 1 -> b.offset() + 8;
                    default -> b.offset() + 8L * random.nextInt((int) (b.size() / 8));
                };
                long value = readFileLong(file, offset) ^ (random.nextBoolean() ? 1L << random.nextInt(64)
                        : random.nextLong());
                writeFileLong(file, offset, value);
                damaged.add(offset);
                for (Map.Entry<Long, byte[]> e : payloads.entrySet()) { // the damage as the payload now holds it
                    long at = offset - (e.getKey() + 16);
                    if (at >= 0 && at < e.getValue().length) {
                        ByteBuffer.wrap(e.getValue()).order(ByteOrder.LITTLE_ENDIAN).putLong((int) at, value);
                    }
                }
            }
            try (MappedHeap heap = MappedHeap.open(file)) {
                RepairReport report = heap.repair();
                String context = "seed=" + seed + " damaged=" + damaged + " report=" + report;
                assertThat(report.ok()).as(context).isTrue();
                unreadableRanges += report.unreadable().size();
                for (Map.Entry<Long, byte[]> e : payloads.entrySet()) {
                    long block = e.getKey();
                    if (damaged.contains(block) || damaged.contains(block + 8)) {
                        continue; // its own tags were damaged: its bytes are kept only if it was quarantined
                    }
                    assertThat(HeapTestSupport.read(heap, block + 16, e.getValue().length))
                            .as(context + " block=" + block).isEqualTo(e.getValue());
                }
                long p = heap.allocate(5_000);
                heap.free(p);
                assertThat(heap.check().ok()).as(context).isTrue();
            }
        }
        System.out.println("RepairTest: " + SEEDS + " heaps with damaged tags, " + unreadableRanges
                + " unreadable ranges quarantined, every intact block kept");
    }

    @Test
    void lostInUseBitIsRestoredFromTheCheckWord() throws IOException {
        Path file = dir.resolve("h.heap");
        long p;
        Map<Long, String> hashes;
        try (MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults())) {
            fill(heap, new SplittableRandom(7));
            p = heap.allocate(100);
            heap.allocate(100); // p is not next to the top
            hashes = payloadHashes(heap, blocks(heap));
            heap.writeLong(p - 16, heap.readLong(p - 16) & ~BlockLayout.CINUSE);
            assertThat(heap.check().ok()).isFalse();
            RepairReport report = heap.repair();
            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(report.rebuilt()).anyMatch(line -> line.startsWith("CINUSE bits restored"));
            assertThat(heap.usableSize(p)).isEqualTo(112);
            assertThat(payloadHashes(heap, blocks(heap))).isEqualTo(hashes);
        }
    }

    @Test
    void brokenTagIsReportedAsUnreadableAndEveryOtherBlockIsKept() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults())) {
            long[] p = new long[12];
            for (int i = 0; i < p.length; i++) {
                p[i] = heap.allocate(200 + 16 * i);
                heap.write(p[i], HeapTestSupport.pattern(i, 200 + 16 * i), 0, 200 + 16 * i);
            }
            heap.free(p[3]);
            heap.free(p[8]);
            long broken = p[5] - 16;
            long next = p[6] - 16;
            Map<Long, String> before = payloadHashes(heap, blocks(heap));
            heap.writeLong(broken, 0x7); // size 0: the walk cannot step over it
            assertThat(heap.walk((o, s, u) -> { }).stoppedAt()).isEqualTo(broken);

            List<String> phases = new ArrayList<>();
            RepairReport report = heap.repair((phase, done, total) -> {
                if (done == total) {
                    phases.add(phase);
                }
            });

            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(phases).containsExactly("check", "repair", "check");
            assertThat(report.unreadable()).hasSize(1);
            RepairReport.UnreadableRange range = report.unreadable().get(0);
            assertThat(range.offset()).isEqualTo(broken);
            assertThat(range.length()).isEqualTo(next - broken);
            assertThat(range.reason()).contains("offset=" + broken);
            assertThat(range.quarantinedPayload()).isEqualTo(p[5]);
            // the quarantined block keeps the broken block's payload bytes and is a live block to free
            Map<Long, String> after = payloadHashes(heap, blocks(heap));
            before.forEach((payload, hash) -> assertThat(after.get(payload)).as("payload %d", payload).isEqualTo(hash));
            for (int i = 0; i < p.length; i++) {
                if (i != 3 && i != 8) {
                    assertThat(heap.usableSize(p[i])).isGreaterThanOrEqualTo(200 + 16 * i);
                }
            }
            heap.free(p[5]);
            assertThat(heap.check().ok()).isTrue();
        }
    }

    @Test
    void freeBlockWhoseSizeSwallowsLiveBlocksIsNotBelieved() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults())) {
            long[] p = new long[8];
            for (int i = 0; i < p.length; i++) {
                p[i] = heap.allocate(96);
                heap.write(p[i], HeapTestSupport.pattern(i, 96), 0, 96);
            }
            heap.free(p[2]);
            Map<Long, String> before = payloadHashes(heap, blocks(heap));
            long free = p[2] - 16;
            // the free block claims to run to the start of p[6]: its footer does not confirm it, and live
            // blocks with right check words lie inside
            heap.writeLong(free, (p[6] - 16 - free) | BlockLayout.PINUSE);

            RepairReport report = heap.repair();

            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(report.unreadable()).hasSize(1);
            assertThat(report.unreadable().get(0).offset()).isEqualTo(free);
            assertThat(report.unreadable().get(0).length()).isEqualTo(p[3] - 16 - free);
            Map<Long, String> after = payloadHashes(heap, blocks(heap));
            for (int i = 3; i < p.length; i++) {
                assertThat(after.get(p[i])).isEqualTo(before.get(p[i]));
            }
        }
    }

    @Test
    void checkAndRepairReportProgressToTheEnd() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults())) {
            fill(heap, new SplittableRandom(3));
            List<long[]> calls = new ArrayList<>();
            List<String> phases = new ArrayList<>();
            ProgressListener listener = new ProgressListener() {
                @Override
                public void progress(String phase, long done, long total) {
                    phases.add(phase);
                    calls.add(new long[] {done, total});
                }

                @Override
                public long intervalBytes() {
                    return 4096;
                }
            };
            assertThat(heap.check(listener).ok()).isTrue();
            assertThat(calls.size()).isGreaterThan(3);
            for (int i = 1; i < calls.size(); i++) {
                assertThat(calls.get(i)[0]).isGreaterThanOrEqualTo(calls.get(i - 1)[0]);
            }
            long[] last = calls.get(calls.size() - 1);
            assertThat(last[0]).isEqualTo(last[1]);
            assertThat(phases).containsOnly("check");
        }
    }

    @Test
    void repairInterruptedMidwayHandsOutNoLiveBlockAndASecondRepairFinishes() throws IOException {
        Path file = dir.resolve("h.heap");
        List<Block> blocks;
        Map<Long, String> hashes;
        try (MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults().initialSize(2 << 20))) {
            fill(heap, new SplittableRandom(11));
            blocks = blocks(heap);
            hashes = payloadHashes(heap, blocks);
        }
        damageDerived(file, blocks, new SplittableRandom(12));
        writeFileLong(file, HeaderLayout.FREE_BLOCKS_OFFSET, 123_456); // the check must fail
        try (MappedHeap heap = MappedHeap.open(file)) {
            ProgressListener crash = new ProgressListener() {
                @Override
                public void progress(String phase, long done, long total) {
                    if (phase.equals("repair") && done > total / 2) {
                        throw new IllegalStateException("simulated stop midway");
                    }
                }

                @Override
                public long intervalBytes() {
                    return 4096;
                }
            };
            assertThatThrownBy(() -> heap.repair(crash)).hasMessageContaining("simulated stop");
            long[] more = new long[30];
            for (int k = 0; k < more.length; k++) {
                more[k] = heap.allocate(300);
                heap.write(more[k], new byte[300], 0, 300); // would destroy a live block handed out twice
            }
            assertThat(payloadHashes(heap, blocksExcept(heap, more))).isEqualTo(hashes);
            RepairReport report = heap.repair();
            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(payloadHashes(heap, blocksExcept(heap, more))).isEqualTo(hashes);
        }
    }

    // ---------------------------------------------------------------- building and damaging heaps

    /** Random allocations (small ones and tree-sized ones), with about a third freed, payloads random. */
    private static void fill(MappedHeap heap, SplittableRandom random) {
        List<Long> live = new ArrayList<>();
        int n = 150 + random.nextInt(150);
        for (int i = 0; i < n; i++) {
            int size = random.nextInt(10) == 0 ? 8_192 + random.nextInt(30_000) : 1 + random.nextInt(1_500);
            long p = heap.allocate(size);
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            heap.write(p, bytes, 0, size);
            live.add(p);
        }
        for (int i = 0; i < n / 3; i++) {
            heap.free(live.remove(random.nextInt(live.size())));
        }
    }

    private static List<Block> blocks(MappedHeap heap) {
        List<Block> blocks = new ArrayList<>();
        WalkReport report = heap.walk((offset, size, inUse) -> blocks.add(new Block(offset, size, inUse)));
        assertThat(report.complete()).as(report.toString()).isTrue();
        return blocks;
    }

    /** The walk's blocks without those whose payloads are in {@code except}. */
    private static List<Block> blocksExcept(MappedHeap heap, long[] except) {
        List<Block> blocks = new ArrayList<>(blocks(heap));
        blocks.removeIf(b -> Arrays.stream(except).anyMatch(p -> p == b.offset() + 16));
        return blocks;
    }

    /** SHA-256 of each block in use's payload, by payload offset. */
    private static Map<Long, String> payloadHashes(MappedHeap heap, List<Block> blocks) {
        Map<Long, String> hashes = new LinkedHashMap<>();
        for (Block b : blocks) {
            if (b.inUse()) {
                byte[] payload = new byte[(int) b.size() - 16];
                heap.read(b.offset() + 16, payload, 0, payload.length);
                hashes.put(b.offset() + 16, sha256(payload));
            }
        }
        return hashes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Overwrites 1 to 6 derived words of a closed heap file: counters, list heads, bitmaps, tree root, list and
     * tree links, tree heights, footers, PINUSE bits. Block sizes, CINUSE bits, check words and payloads are
     * never touched.
     *
     * @return what was damaged, for the failure message
     */
    private static List<String> damageDerived(Path file, List<Block> blocks, SplittableRandom random) throws IOException {
        List<Block> free = blocks.stream().filter(b -> !b.inUse()).toList();
        List<Block> used = blocks.stream().filter(Block::inUse).toList();
        List<String> done = new ArrayList<>();
        int n = 1 + random.nextInt(6);
        for (int i = 0; i < n; i++) {
            long value = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextLong();
                case 2 -> free.isEmpty() ? 16 : free.get(random.nextInt(free.size())).offset();
                default -> blocks.get(random.nextInt(blocks.size())).offset();
            };
            int kind = random.nextInt(9);
            long offset;
            switch (kind) {
                case 0 -> offset = HeaderLayout.LIVE_BLOCKS_OFFSET + 8L * random.nextInt(3); // the three counters
                case 1 -> offset = HeaderLayout.smallHeadOffset(random.nextInt(HeaderLayout.SMALL_HEADS_COUNT));
                case 2 -> offset = HeaderLayout.smallMapOffset(random.nextInt(HeaderLayout.SMALL_MAP_WORDS));
                case 3 -> offset = random.nextBoolean() ? HeaderLayout.SMALL_SUMMARY_OFFSET : HeaderLayout.TREE_ROOT_OFFSET;
                case 4, 5, 6 -> {
                    if (free.isEmpty()) {
                        continue;
                    }
                    Block b = free.get(random.nextInt(free.size()));
                    // +8, +16 (list or tree links), +24 (tree height), or the footer
                    offset = kind == 6 ? b.offset() + b.size() - 8 : b.offset() + 8L * (1 + random.nextInt(3));
                }
                default -> {
                    Block b = used.get(random.nextInt(used.size()));
                    offset = b.offset();
                    value = readFileLong(file, offset) ^ BlockLayout.PINUSE;
                }
            }
            writeFileLong(file, offset, value);
            done.add("kind=" + kind + " offset=" + offset + " value=" + value);
        }
        return done;
    }

    private static long readFileLong(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(buffer, offset);
            return buffer.getLong(0);
        }
    }

    private static void writeFileLong(Path file, long offset, long value) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
            channel.write(buffer, offset);
        }
    }
}
