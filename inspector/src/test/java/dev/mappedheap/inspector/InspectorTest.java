package dev.mappedheap.inspector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.HeapStats;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.allocator.WalkReport;
import dev.mappedheap.allocator.format.HeaderLayout;
import dev.mappedheap.structs.roots.NamedRoots;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import picocli.CommandLine;

/** Every inspector command on a real heap built here, through picocli with captured output. */
class InspectorTest {
    private static final String MESSAGE = "hello, inspector";

    @TempDir Path dir;
    private Path heapFile;
    private long messageOffset;
    private long liveBlocks;
    private long freeBlocks;

    /** What one run of the inspector printed and returned. */
    record Run(int exit, String out, String err) {}

    @BeforeEach
    void buildHeap() {
        heapFile = dir.resolve("sample.heap");
        try (MappedHeap heap = MappedHeap.create(heapFile, HeapOptions.defaults().initialSize(4 << 20))) {
            NamedRoots roots = NamedRoots.open(heap);
            SplittableRandom random = new SplittableRandom(5);
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < 1500; i++) {
                int size = random.nextInt(10) == 0 ? 8_192 + random.nextInt(20_000) : 16 + random.nextInt(1_000);
                live.add(heap.allocate(size));
            }
            for (int i = 0; i < 500; i++) {
                heap.free(live.remove(random.nextInt(live.size())));
            }
            messageOffset = heap.allocate(100);
            byte[] message = MESSAGE.getBytes(StandardCharsets.US_ASCII);
            heap.write(messageOffset, message, 0, message.length);
            roots.put("sessions", messageOffset);
            roots.put("index", live.get(0));
            HeapStats stats = heap.stats();
            liveBlocks = stats.liveBlocks();
            freeBlocks = stats.freeBlocks();
            assertThat(heap.check().ok()).isTrue();
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = Inspector.commandLine();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int exit = line.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void infoShowsTheHeaderAndTheNamedRoots() throws IOException {
        Run run = run("info", heapFile.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("format           mappedheap, version 1")
                .contains("file size        " + Units.bytesExact(Files.size(heapFile)))
                .contains("heap start       57,344 (0xe000)")
                .contains("named roots      2:")
                .containsPattern("sessions +" + String.format(Locale.ROOT, "%,d", messageOffset))
                .contains("index");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void statsCountsWhatTheHeapCounts() {
        Run run = run("stats", heapFile.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out())
                .containsPattern("live +" + String.format(Locale.ROOT, "%,d", liveBlocks) + " blocks")
                .containsPattern("free +" + String.format(Locale.ROOT, "%,d", freeBlocks) + " blocks")
                .contains("fragmentation    0.")
                .contains("free-block sizes")
                .contains("KiB");
    }

    @Test
    void checkIsCleanOnASoundHeapAndFailsOnADamagedOne() throws IOException {
        Run clean = run("check", heapFile.toString());
        assertThat(clean.exit()).isZero();
        assertThat(clean.out()).contains("ok").contains("walked " + String.format(Locale.ROOT, "%,d",
                liveBlocks + freeBlocks) + " blocks");

        damageCounter();
        Run damaged = run("check", heapFile.toString());
        assertThat(damaged.exit()).isEqualTo(Inspector.EXIT_PROBLEMS);
        assertThat(damaged.out()).contains("1 problem:").contains("header counter wrong: field=liveBlocks");
    }

    @Test
    void repairFixesADamagedHeapAndKeepsItsData() throws IOException {
        damageCounter();
        writeFileLong(HeaderLayout.TREE_ROOT_OFFSET, 0); // the tree lost: its blocks are on no structure
        Run repair = run("repair", "--progress", heapFile.toString());
        assertThat(repair.exit()).as(repair.out()).isZero();
        assertThat(repair.out()).contains("before: ").contains("rebuilt (words rewritten):").contains("counters: 1")
                .contains("free tree root: 1").contains("unreadable ranges: none").contains("after: ok");
        assertThat(repair.err()).contains("repair ").contains("100%");
        assertThat(run("check", heapFile.toString()).exit()).isZero();
        Run again = run("repair", heapFile.toString());
        assertThat(again.out()).contains("nothing to repair");
        Run dump = run("dump", heapFile.toString(), Long.toString(messageOffset));
        assertThat(dump.out()).contains(MESSAGE);
    }

    @Test
    void repairReportsAnUnreadableRangeAndExitsZeroWhenTheRestIsSaved() {
        try (MappedHeap heap = MappedHeap.open(heapFile)) {
            heap.writeLong(messageOffset - 16, 0); // the message block's head: size 0
        }
        Run repair = run("repair", heapFile.toString());
        assertThat(repair.exit()).as(repair.out()).isZero();
        assertThat(repair.out()).contains("unreadable ranges: 1")
                .contains("kept as one block in use: payload " + Units.offset(messageOffset))
                .contains("block size out of range: offset=" + (messageOffset - 16));
        Run dump = run("dump", heapFile.toString(), "0x" + Long.toHexString(messageOffset));
        assertThat(dump.out()).contains(MESSAGE);
    }

    @Test
    void dumpShowsTheBlockHeaderAndItsBytes() {
        Run run = run("dump", heapFile.toString(), Long.toString(messageOffset + 5), "--length", "32");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("block            " + Units.offset(messageOffset - 16) + "  (contains "
                        + String.format(Locale.ROOT, "%,d", messageOffset + 5) + ", payload +5)")
                .contains("state            in use")
                .contains("(right)")
                .contains("payload, 32 of 112 bytes:")
                .contains("|" + MESSAGE);
        Run outside = run("dump", heapFile.toString(), "100");
        assertThat(outside.exit()).isEqualTo(Inspector.EXIT_PROBLEMS);
        assertThat(outside.out()).contains("in the header and journal");
    }

    @Test
    void dumpOfAFreeBlockShowsItsLinksAndFooter() {
        long[] free = {-1, 0};
        try (MappedHeap heap = MappedHeap.open(heapFile)) {
            heap.walk((offset, size, inUse) -> {
                if (!inUse && free[0] < 0) {
                    free[0] = offset;
                    free[1] = size;
                }
            });
        }
        assertThat(free[0]).as("the sample heap has free blocks").isPositive();
        Run run = run("dump", heapFile.toString(), Long.toString(free[0]));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("block            " + Units.offset(free[0]) + "\n")
                .contains(free[1] >= 8192 ? "free, in the free tree" : "free, on exact-size list " + free[1] / 16)
                .contains("footer           " + String.format(Locale.ROOT, "%,d", free[1]) + "\n")
                .contains("bytes after the head");
    }

    @Test
    void infoSaysWhenTheRootIsNotANamedRootsDirectory() {
        try (MappedHeap heap = MappedHeap.open(heapFile)) {
            heap.setRoot(messageOffset);
        }
        Run run = run("info", heapFile.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("root             " + Units.offset(messageOffset))
                .contains("named roots      none (the root is not a named-roots directory)");
    }

    @Test
    void commandsWorkWhileAnotherInstanceUsesTheHeap() throws IOException {
        try (MappedHeap live = MappedHeap.open(heapFile)) {
            long extra = live.allocate(64);
            assertThat(run("check", heapFile.toString()).exit()).isZero();
            Run stats = run("stats", "--no-progress", heapFile.toString());
            assertThat(stats.out()).containsPattern("live +" + String.format(Locale.ROOT, "%,d", liveBlocks + 1)
                    + " blocks");
            assertThat(stats.err()).isEmpty();
            assertThat(run("map", heapFile.toString(), "-o", dir.resolve("live.png").toString()).exit()).isZero();
            live.free(extra); // the instance still works after the inspector's open, walks and close
            assertThat(live.check().ok()).isTrue();
        }
    }

    @Test
    void mapWritesAPngOfTheExpectedSize() throws IOException {
        Path png = dir.resolve("map.png");
        Run run = run("map", heapFile.toString(), "-o", png.toString(), "--width", "512", "--rows", "64");
        assertThat(run.exit()).as(run.err()).isZero();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(512);
        assertThat(image.getHeight()).isEqualTo(28 + 64 * 4 + 24 + 180); // title, grid, legend, histogram
        assertThat(run.out()).contains("512 x 488 px");
        Set<Integer> colours = new HashSet<>();
        for (int y = 28; y < 28 + 64 * 4; y++) {
            for (int x = 0; x < 512; x++) {
                colours.add(image.getRGB(x, y) & 0xFFFFFF);
            }
        }
        assertThat(colours).contains(HeapPicture.COLOURS[CellMap.Kind.USED.ordinal()],
                HeapPicture.COLOURS[CellMap.Kind.TOP.ordinal()]);
        assertThat(colours.size()).as("mixed cells of used and free space").isGreaterThan(4);
    }

    @Test
    void mapWritesSvgThatParsesAsXml() throws Exception {
        Path svg = dir.resolve("map.svg");
        Run run = run("map", heapFile.toString(), "--output", svg.toString(), "--width", "800");
        assertThat(run.exit()).as(run.err()).isZero();
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(svg.toFile());
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(doc.getDocumentElement().getAttribute("width")).isEqualTo("800");
        assertThat(doc.getDocumentElement().getAttribute("height")).isEqualTo(String.valueOf(28 + 96 * 4 + 24 + 180));
        assertThat(doc.getElementsByTagName("rect").getLength()).isGreaterThan(10);
        assertThat(Files.readString(svg)).contains("sample.heap");
    }

    @Test
    void aFileThatIsNotAHeapGivesOneLineAndExitCode2() throws IOException {
        Path junk = dir.resolve("junk.bin");
        byte[] bytes = new byte[100_000];
        new SplittableRandom(1).nextBytes(bytes);
        Files.write(junk, bytes);
        for (String command : new String[] {"info", "stats", "check", "repair", "map"}) {
            Run run = run(command, junk.toString());
            assertThat(run.exit()).as(command).isEqualTo(Inspector.EXIT_BAD_FILE);
            assertThat(run.err()).as(command).startsWith("mappedheap-inspector: not a mappedheap file")
                    .doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(run.err().strip().lines().count()).as(command).isEqualTo(1);
        }
        Run missing = run("info", dir.resolve("nothing.heap").toString());
        assertThat(missing.exit()).isEqualTo(Inspector.EXIT_BAD_FILE);
        assertThat(missing.err()).isEqualTo("mappedheap-inspector: no such file: " + dir.resolve("nothing.heap")
                + System.lineSeparator());
        Run usage = run("dump", heapFile.toString(), "twelve");
        assertThat(usage.exit()).isEqualTo(Inspector.EXIT_BAD_FILE);
        assertThat(usage.err()).contains("not an offset: twelve");
    }

    /**
     * dump reads the top, then walks: another process that frees the last block in between leaves the offset in
     * no block of a complete walk. That is a change of the heap, not an unreadable head (walk.problem() is null).
     */
    @Test
    void dumpOfABlockFreedWhileItLooksSaysTheHeapChangedNotThatItIsDamaged() throws Exception {
        try (MappedHeap heap = MappedHeap.open(heapFile)) {
            long target = heap.allocate(40_000); // larger than every free block: carved from the top
            heap.free(target); // back into the top: the next allocate of that size returns it again
            AtomicBoolean stop = new AtomicBoolean();
            Thread churn = new Thread(() -> {
                while (!stop.get()) {
                    heap.free(heap.allocate(40_000)); // the block at the top comes and goes
                }
            });
            churn.start();
            List<String> misleading = new ArrayList<>();
            boolean windowHit = false;
            Map<String, Integer> outcomes = new TreeMap<>();
            int runs = 0;
            try {
                long deadline = System.nanoTime() + 6_000_000_000L; // about one run in ten hits the window
                while (System.nanoTime() < deadline && !windowHit) {
                    Run dump = run("dump", heapFile.toString(), Long.toString(target));
                    runs++;
                    outcomes.merge(dump.out().lines().findFirst().orElse("").replaceAll("0x[0-9a-f]+|[0-9][0-9,]*", "N"), 1,
                            Integer::sum);
                    if (dump.out().contains("unreadable block head")) {
                        misleading.add(dump.out());
                    }
                    windowHit = !misleading.isEmpty() || dump.out().contains("changed while dump looked");
                }
            } finally {
                stop.set(true);
                churn.join(10_000);
            }
            assertThat(misleading).as("dumps of a block that came and went: %d runs, first lines %s", runs, outcomes)
                    .isEmpty();
        }
    }

    @Test
    void walkOfTheSampleHeapIsComplete() {
        try (MappedHeap heap = MappedHeap.open(heapFile)) {
            WalkReport walk = heap.walk((o, s, u) -> { });
            assertThat(walk.complete()).isTrue();
            assertThat(walk.liveBlocks()).isEqualTo(liveBlocks);
        }
    }

    private void damageCounter() throws IOException {
        writeFileLong(HeaderLayout.LIVE_BLOCKS_OFFSET, liveBlocks + 7);
    }

    private void writeFileLong(long offset, long value) throws IOException {
        try (FileChannel channel = FileChannel.open(heapFile, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value), offset);
        }
    }
}
