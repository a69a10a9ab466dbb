package dev.mappedheap.allocator;

import static dev.mappedheap.allocator.HeapTestSupport.BLOCK_HEADER;
import static dev.mappedheap.allocator.HeapTestSupport.GIB;
import static dev.mappedheap.allocator.HeapTestSupport.KIB;
import static dev.mappedheap.allocator.HeapTestSupport.MIB;
import static dev.mappedheap.allocator.HeapTestSupport.assertConsistent;
import static dev.mappedheap.allocator.HeapTestSupport.assertContents;
import static dev.mappedheap.allocator.HeapTestSupport.pattern;
import static dev.mappedheap.allocator.HeapTestSupport.read;
import static dev.mappedheap.allocator.HeapTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves that bad input is refused without harm: {@code free}, {@code reallocate} and {@code usableSize} of
 * any offset that is not the start of a live block throw {@link InvalidOffsetException} and leave the stats,
 * the integrity check and every other block's contents exactly as they were; negative sizes are rejected;
 * raw access outside the mapped capacity or outside the caller's array throws; and {@code open}/{@code create}
 * refuse missing, existing, foreign, truncated and wrong-version files without modifying them.
 */
class BadInputTest {
    /** File offset of the 8 magic bytes (docs/FORMAT.md, section 1). */
    private static final int MAGIC_OFFSET = 0;
    /** File offset of the 4-byte little-endian format version. */
    private static final int FORMAT_VERSION_OFFSET = 8;
    /** File offset of the FNV-1a 64 checksum over bytes 0..63. */
    private static final int HEADER_CHECKSUM_OFFSET = 64;

    @TempDir
    Path dir;

    private MappedHeap heap;

    @AfterEach
    void closeHeap() throws Exception {
        if (heap != null) {
            heap.close();
        }
    }

    private Path file() {
        return dir.resolve("heap.bin");
    }

    // ---------------------------------------------------------------- offsets that are not live blocks

    /**
     * A heap with live blocks, free blocks between them, a pair of freed blocks merged into one, a freed block
     * merged into the top, a block moved away by reallocate and a live block whose payload still holds the
     * stale header of a freed block.
     */
    private static final class Fixture {
        final MappedHeap heap;
        final long a;
        final long b;
        final long freedBetweenLive;
        final long mergedHead;
        final long mergedIntoPredecessor;
        final long movedAway;
        final long covering;
        final long staleInsideLive;
        final long mergedIntoTop;
        final long copiedHeaderInsideB;
        /** Every live block's full usable bytes, read back after set-up. */
        final Map<Long, byte[]> live = new TreeMap<>();

        Fixture(MappedHeap heap) {
            this.heap = heap;
            a = heap.allocate(240);
            b = heap.allocate(1000);
            freedBetweenLive = heap.allocate(64);
            long c = heap.allocate(500);
            mergedHead = heap.allocate(128);
            mergedIntoPredecessor = heap.allocate(128);
            long d = heap.allocate(300);
            movedAway = heap.allocate(100);
            long e = heap.allocate(200);
            long s1 = heap.allocate(96);
            staleInsideLive = heap.allocate(96);
            long f = heap.allocate(64);

            long moved = heap.reallocate(movedAway, 2000);
            assertThat(moved).as("fixture: E keeps the block from growing in place").isNotEqualTo(movedAway);

            heap.free(s1);
            heap.free(staleInsideLive);
            covering = heap.allocate(2 * (96 + BLOCK_HEADER) - BLOCK_HEADER);
            assertThat(covering).as("fixture: the merged pair is reused exactly").isEqualTo(s1);

            mergedIntoTop = heap.allocate(200);
            heap.free(mergedIntoTop);
            heap.free(freedBetweenLive);
            heap.free(mergedHead);
            heap.free(mergedIntoPredecessor);

            long seed = 100;
            for (long off : new long[] {a, b, c, d, e, moved, f}) {
                write(heap, off, pattern(seed++, (int) heap.usableSize(off)));
            }
            // a genuine block header (C's) copied into the middle of B's payload
            copiedHeaderInsideB = b + 512;
            heap.writeLong(copiedHeaderInsideB - 16, heap.readLong(c - 16));
            heap.writeLong(copiedHeaderInsideB - 8, heap.readLong(c - 8));
            // the covering block is deliberately left unwritten: its payload holds the stale header
            for (long off : new long[] {a, b, c, d, e, moved, f, covering}) {
                live.put(off, read(heap, off, (int) heap.usableSize(off)));
            }
            assertConsistent(heap);
        }

        void assertUnchanged(HeapStats before, String what) {
            assertThat(heap.stats()).as("stats after %s", what).isEqualTo(before);
            live.forEach((off, bytes) -> assertContents(heap, off, bytes, "after " + what));
            assertConsistent(heap);
        }
    }

    /** Offsets that are not the start of a live block, each computed from the fixture. */
    enum NotALiveBlock {
        NEVER_ALLOCATED_IN_THE_TOP(f -> f.heap.stats().capacity() - 4096),
        INSIDE_THE_FILE_HEADER(f -> 16),
        INSIDE_A_BLOCK(f -> f.b + 16),
        INSIDE_A_BLOCK_AFTER_A_COPIED_HEADER(f -> f.copiedHeaderInsideB),
        STALE_HEADER_INSIDE_A_LIVE_BLOCK(f -> f.staleInsideLive),
        UNALIGNED_BY_ONE(f -> f.a + 1),
        UNALIGNED_BY_EIGHT(f -> f.a + 8),
        ZERO(f -> 0),
        NEGATIVE(f -> -16),
        MIN_VALUE(f -> Long.MIN_VALUE),
        AT_CAPACITY(f -> f.heap.stats().capacity()),
        PAST_CAPACITY(f -> f.heap.stats().capacity() + 4096),
        FAR_PAST_THE_END(f -> Long.MAX_VALUE & ~15L),
        ALREADY_FREED_BETWEEN_LIVE_BLOCKS(f -> f.freedBetweenLive),
        ALREADY_FREED_HEAD_OF_A_MERGED_BLOCK(f -> f.mergedHead),
        ALREADY_FREED_AND_MERGED_INTO_ITS_PREDECESSOR(f -> f.mergedIntoPredecessor),
        ALREADY_FREED_AND_MERGED_INTO_THE_TOP(f -> f.mergedIntoTop),
        OLD_OFFSET_OF_A_BLOCK_MOVED_BY_REALLOCATE(f -> f.movedAway);

        private final ToLongFunction<Fixture> offset;

        NotALiveBlock(ToLongFunction<Fixture> offset) {
            this.offset = offset;
        }

        long in(Fixture fixture) {
            return offset.applyAsLong(fixture);
        }
    }

    private Fixture fixture() {
        heap = MappedHeap.create(file(), HeapOptions.defaults().initialSize(256 * KIB).growthIncrement(64 * KIB));
        return new Fixture(heap);
    }

    @ParameterizedTest
    @EnumSource(NotALiveBlock.class)
    void freeOfAnOffsetThatIsNotALiveBlockThrowsAndChangesNothing(NotALiveBlock kind) {
        Fixture f = fixture();
        long off = kind.in(f);
        HeapStats before = heap.stats();
        assertThatThrownBy(() -> heap.free(off)).as("free(%d) [%s]", off, kind)
                .isInstanceOf(InvalidOffsetException.class);
        f.assertUnchanged(before, "free(" + off + ") [" + kind + "]");
    }

    @ParameterizedTest
    @EnumSource(NotALiveBlock.class)
    void reallocateOfAnOffsetThatIsNotALiveBlockThrowsAndChangesNothing(NotALiveBlock kind) {
        Fixture f = fixture();
        long off = kind.in(f);
        HeapStats before = heap.stats();
        assertThatThrownBy(() -> heap.reallocate(off, 64)).as("reallocate(%d, 64) [%s]", off, kind)
                .isInstanceOf(InvalidOffsetException.class);
        f.assertUnchanged(before, "reallocate(" + off + ", 64) [" + kind + "]");
        // a size that would need the file to grow must not grow it either
        assertThatThrownBy(() -> heap.reallocate(off, 4 * MIB)).as("reallocate(%d, 4 MiB) [%s]", off, kind)
                .isInstanceOf(InvalidOffsetException.class);
        f.assertUnchanged(before, "reallocate(" + off + ", 4 MiB) [" + kind + "]");
    }

    @ParameterizedTest
    @EnumSource(NotALiveBlock.class)
    void usableSizeOfAnOffsetThatIsNotALiveBlockThrowsAndChangesNothing(NotALiveBlock kind) {
        Fixture f = fixture();
        long off = kind.in(f);
        HeapStats before = heap.stats();
        assertThatThrownBy(() -> heap.usableSize(off)).as("usableSize(%d) [%s]", off, kind)
                .isInstanceOf(InvalidOffsetException.class);
        f.assertUnchanged(before, "usableSize(" + off + ") [" + kind + "]");
    }

    @Test
    void liveBlocksOfTheFixtureAreStillUsableAfterEveryRefusal() {
        Fixture f = fixture();
        for (NotALiveBlock kind : NotALiveBlock.values()) {
            long off = kind.in(f);
            assertThatThrownBy(() -> heap.free(off)).as("free [%s]", kind).isInstanceOf(InvalidOffsetException.class);
        }
        HeapStats before = heap.stats();
        f.assertUnchanged(before, "all refusals");
        for (long off : f.live.keySet()) {
            heap.free(off);
        }
        HeapStats empty = heap.stats();
        assertThat(empty.liveBlocks()).isZero();
        assertThat(empty.usedBytes()).isZero();
        assertThat(empty.freeBlocks()).as("with every block freed, all space merged into the top").isZero();
        assertConsistent(heap);
    }

    // ---------------------------------------------------------------- bad sizes

    @Test
    void allocateOfANegativeSizeThrowsIllegalArgumentAndChangesNothing() {
        Fixture f = fixture();
        HeapStats before = heap.stats();
        for (long size : new long[] {-1, -16, Long.MIN_VALUE}) {
            assertThatThrownBy(() -> heap.allocate(size)).as("allocate(%d)", size)
                    .isInstanceOf(IllegalArgumentException.class);
            f.assertUnchanged(before, "allocate(" + size + ")");
        }
    }

    @Test
    void reallocateToANegativeSizeIsRefusedAndChangesNothing() {
        Fixture f = fixture();
        HeapStats before = heap.stats();
        assertThatThrownBy(() -> heap.reallocate(f.a, -1)).isInstanceOf(IllegalArgumentException.class);
        f.assertUnchanged(before, "reallocate(a, -1)");
    }

    @Test
    void absurdlyLargeRequestsAreRefusedAndChangeNothing() {
        heap = MappedHeap.create(file(),
                HeapOptions.defaults().initialSize(256 * KIB).growthIncrement(64 * KIB).maxSize(GIB));
        Fixture f = new Fixture(heap);
        HeapStats before = heap.stats();
        assertThatThrownBy(() -> heap.allocate(2 * GIB)).isInstanceOf(HeapFullException.class);
        f.assertUnchanged(before, "allocate(2 GiB) beyond maxSize");
        assertThatThrownBy(() -> heap.reallocate(f.a, 2 * GIB)).isInstanceOf(HeapFullException.class);
        f.assertUnchanged(before, "reallocate(a, 2 GiB) beyond maxSize");
        for (long size : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 15, 1L << 62}) {
            assertThatThrownBy(() -> heap.allocate(size)).as("allocate(%d)", size)
                    .isInstanceOfAny(HeapFullException.class, IllegalArgumentException.class);
            f.assertUnchanged(before, "allocate(" + size + ")");
            assertThatThrownBy(() -> heap.reallocate(f.a, size)).as("reallocate(a, %d)", size)
                    .isInstanceOfAny(HeapFullException.class, IllegalArgumentException.class);
            f.assertUnchanged(before, "reallocate(a, " + size + ")");
        }
    }

    // ---------------------------------------------------------------- raw access bounds

    @Test
    void rawAccessOutsideTheCapacityThrowsAndWritesNothing() {
        Fixture f = fixture();
        long cap = heap.stats().capacity();
        byte[] tailBefore = read(heap, cap - 64, 64);
        byte[] src = pattern(9, 32);
        byte[] dst = new byte[32];

        // the last bytes inside the capacity are reachable
        assertThat(heap.readLong(cap - 8)).isEqualTo(ByteBuffer.wrap(tailBefore, 56, 8)
                .order(ByteOrder.LITTLE_ENDIAN).getLong());
        assertThat(heap.readByte(cap - 1)).isEqualTo(tailBefore[63]);
        heap.read(cap - 32, dst, 0, 32);

        HeapStats before = heap.stats();
        ThrowingCallable[] outside = {
            () -> heap.readLong(cap - 4),
            () -> heap.readLong(cap),
            () -> heap.readLong(-1),
            () -> heap.readLong(Long.MIN_VALUE),
            () -> heap.readLong(Long.MAX_VALUE - 3),
            () -> heap.readInt(cap - 2),
            () -> heap.readInt(-1),
            () -> heap.readByte(cap),
            () -> heap.readByte(-1),
            () -> heap.read(cap - 10, dst, 0, 16),
            () -> heap.read(-8, dst, 0, 16),
            () -> heap.read(Long.MAX_VALUE - 4, dst, 0, 16),
            () -> heap.writeLong(cap - 4, -1L),
            () -> heap.writeLong(-1, -1L),
            () -> heap.writeLong(Long.MAX_VALUE - 3, -1L),
            () -> heap.writeInt(cap - 3, -1),
            () -> heap.writeInt(-4, -1),
            () -> heap.writeByte(cap, (byte) -1),
            () -> heap.writeByte(-1, (byte) -1),
            () -> heap.write(cap - 10, src, 0, 16),
            () -> heap.write(cap - 31, src, 0, 32),
            () -> heap.write(-8, src, 0, 16),
            () -> heap.write(Long.MAX_VALUE - 4, src, 0, 16),
        };
        for (int i = 0; i < outside.length; i++) {
            assertThatThrownBy(outside[i]).as("out-of-bounds access #%d", i)
                    .isInstanceOfAny(HeapException.class, IndexOutOfBoundsException.class);
            assertThat(read(heap, cap - 64, 64)).as("tail after out-of-bounds access #%d", i).isEqualTo(tailBefore);
            f.assertUnchanged(before, "out-of-bounds access #" + i);
        }
    }

    @Test
    void rawAccessWithARangeInvalidForTheArrayThrowsIndexOutOfBounds() {
        Fixture f = fixture();
        byte[] src = pattern(10, 64);
        byte[] dst = new byte[64];
        long off = f.a;
        ThrowingCallable[] invalid = {
            () -> heap.write(off, src, -1, 4),
            () -> heap.write(off, src, 0, -1),
            () -> heap.write(off, src, 60, 8),
            () -> heap.write(off, src, 0, 65),
            () -> heap.write(off, src, Integer.MAX_VALUE, 2),
            () -> heap.read(off, dst, -1, 4),
            () -> heap.read(off, dst, 0, -1),
            () -> heap.read(off, dst, 60, 8),
            () -> heap.read(off, dst, 0, 65),
            () -> heap.read(off, dst, Integer.MAX_VALUE, 2),
        };
        HeapStats before = heap.stats();
        for (int i = 0; i < invalid.length; i++) {
            assertThatThrownBy(invalid[i]).as("array range #%d", i).isInstanceOf(IndexOutOfBoundsException.class);
            f.assertUnchanged(before, "array range #" + i);
        }
        assertThat(dst).as("nothing was read into dst").containsOnly(0);
    }

    @Test
    void everyCallOnAClosedHeapThrowsInsteadOfTouchingUnmappedMemory() throws Exception {
        Fixture f = fixture();
        byte[] buffer = new byte[16];
        heap.close();
        heap.close(); // idempotent
        ThrowingCallable[] calls = {
            () -> heap.allocate(16),
            () -> heap.free(f.a),
            () -> heap.reallocate(f.a, 32),
            () -> heap.usableSize(f.a),
            () -> heap.root(),
            () -> heap.setRoot(f.a),
            () -> heap.stats(),
            () -> heap.check(),
            () -> heap.sync(),
            () -> heap.readLong(f.a),
            () -> heap.writeLong(f.a, 1),
            () -> heap.readInt(f.a),
            () -> heap.writeInt(f.a, 1),
            () -> heap.readByte(f.a),
            () -> heap.writeByte(f.a, (byte) 1),
            () -> heap.read(f.a, buffer, 0, 16),
            () -> heap.write(f.a, buffer, 0, 16),
        };
        for (int i = 0; i < calls.length; i++) {
            assertThatThrownBy(calls[i]).as("call #%d on a closed heap", i)
                    .isInstanceOfAny(IllegalStateException.class, HeapException.class);
        }
        heap = MappedHeap.open(file());
        f.live.forEach((off, bytes) -> assertContents(heap, off, bytes, "after reopening"));
        assertConsistent(heap);
    }

    // ---------------------------------------------------------------- open and create

    @Test
    void openOfAMissingFileThrowsAndCreatesNothing() {
        Path missing = dir.resolve("missing.heap");
        assertThatThrownBy(() -> MappedHeap.open(missing)).isInstanceOf(HeapException.class)
                .hasCauseInstanceOf(NoSuchFileException.class);
        assertThat(missing).doesNotExist();
    }

    @Test
    void createOnAnExistingHeapFailsAndLeavesItIntact() throws Exception {
        long off;
        try (MappedHeap h = MappedHeap.create(file(), HeapOptions.defaults().initialSize(128 * KIB))) {
            off = h.allocate(100);
            h.writeLong(off, 0xABCDL);
            h.setRoot(off);
        }
        byte[] original = Files.readAllBytes(file());
        assertThatThrownBy(() -> MappedHeap.create(file(), HeapOptions.defaults()))
                .isInstanceOf(HeapException.class)
                .hasCauseInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readAllBytes(file())).as("file after the refused create").isEqualTo(original);
        heap = MappedHeap.open(file());
        assertThat(heap.root()).isEqualTo(off);
        assertThat(heap.readLong(off)).isEqualTo(0xABCDL);
        assertConsistent(heap);
    }

    @Test
    void createOnAnExistingForeignFileFailsAndLeavesItIntact() throws Exception {
        byte[] text = "not a heap, but precious".getBytes(StandardCharsets.US_ASCII);
        Files.write(file(), text);
        assertThatThrownBy(() -> MappedHeap.create(file(), HeapOptions.defaults()))
                .isInstanceOf(HeapException.class)
                .hasCauseInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readAllBytes(file())).isEqualTo(text);
    }

    @Test
    void openOfAFileWithWrongMagicThrowsIncompatibleFormatAndLeavesItIntact() throws Exception {
        byte[] original = createClosedHeap();
        byte[] bad = original.clone();
        bad[MAGIC_OFFSET] = (byte) (bad[MAGIC_OFFSET] ^ 0x20);
        assertOpenRefused("a heap with a flipped magic bit", bad, IncompatibleFormatException.class);
        reopenOriginal(original);
    }

    @Test
    void openOfAFileWithAnotherFormatVersionThrowsIncompatibleFormat() throws Exception {
        byte[] original = createClosedHeap();
        ByteBuffer header = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(header.getInt(FORMAT_VERSION_OFFSET)).as("format version of a new file").isEqualTo(1);
        assertThat(header.getLong(HEADER_CHECKSUM_OFFSET)).as("header checksum of a new file")
                .isEqualTo(fnv1a64(original, HEADER_CHECKSUM_OFFSET));

        // only the version changed: the checksum no longer matches either
        byte[] bad = original.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(FORMAT_VERSION_OFFSET, 2);
        assertOpenRefused("version 2, stale checksum", bad, IncompatibleFormatException.class);

        // version changed and checksum recomputed, so only the version check can refuse it
        for (int version : new int[] {0, 2, -1, Integer.MAX_VALUE}) {
            byte[] resealed = original.clone();
            ByteBuffer buf = ByteBuffer.wrap(resealed).order(ByteOrder.LITTLE_ENDIAN);
            buf.putInt(FORMAT_VERSION_OFFSET, version);
            buf.putLong(HEADER_CHECKSUM_OFFSET, fnv1a64(resealed, HEADER_CHECKSUM_OFFSET));
            assertOpenRefused("version " + version + ", resealed checksum", resealed,
                    IncompatibleFormatException.class);
        }
        reopenOriginal(original);
    }

    @Test
    void openOfAFileWhoseHeaderChecksumDoesNotMatchThrowsHeapCorrupted() throws Exception {
        // docs/FORMAT.md: "A mismatch means a damaged header (HeapCorruptedException)"
        byte[] original = createClosedHeap();
        for (int offset : new int[] {40, 48, HEADER_CHECKSUM_OFFSET}) { // salt, growthIncrement, the checksum
            byte[] bad = original.clone();
            bad[offset] = (byte) (bad[offset] ^ 0x01);
            assertOpenRefused("a heap with a bit flipped at offset " + offset, bad, HeapCorruptedException.class);
        }
        reopenOriginal(original);
    }

    @Test
    void openOfAHeapFileTruncatedBelowItsCapacityThrowsHeapCorrupted() throws Exception {
        byte[] original = createClosedHeap();
        assertOpenRefused("a heap cut to 8 KiB", Arrays.copyOf(original, 8192), HeapCorruptedException.class);
        assertOpenRefused("a heap missing its last 4 KiB", Arrays.copyOf(original, original.length - 4096),
                HeapCorruptedException.class);
        reopenOriginal(original);
    }

    @Test
    void openOfAnEmptyFileThrowsAndLeavesItEmpty() throws Exception {
        assertOpenRefused("an empty file", new byte[0],
                IncompatibleFormatException.class, HeapCorruptedException.class);
    }

    @Test
    void openOfAHundredByteFileThrowsAndLeavesItIntact() throws Exception {
        assertOpenRefused("100 zero bytes", new byte[100],
                IncompatibleFormatException.class, HeapCorruptedException.class);
        byte[] junk = pattern(11, 100);
        assertOpenRefused("100 random bytes", junk, IncompatibleFormatException.class, HeapCorruptedException.class);
        // the first 100 bytes of a real heap: valid magic, version and checksum, but truncated
        byte[] prefix = Arrays.copyOf(createClosedHeap(), 100);
        assertOpenRefused("the first 100 bytes of a heap", prefix,
                IncompatibleFormatException.class, HeapCorruptedException.class);
    }

    /** Creates a heap with one block and a root, closes it and returns the file's bytes. */
    private byte[] createClosedHeap() throws Exception {
        Path original = dir.resolve("original.heap");
        Files.deleteIfExists(original);
        try (MappedHeap h = MappedHeap.create(original, HeapOptions.defaults().initialSize(64 * KIB))) {
            long off = h.allocate(48);
            h.writeLong(off, 0x5EEDL);
            h.setRoot(off);
        }
        return Files.readAllBytes(original);
    }

    /** Writes {@code bytes} as a file, asserts open refuses it with one of {@code types}, and that it is unchanged. */
    private void assertOpenRefused(String what, byte[] bytes, Class<?>... types) throws Exception {
        Path bad = dir.resolve("bad.heap");
        Files.write(bad, bytes);
        assertThatThrownBy(() -> MappedHeap.open(bad)).as("open of %s", what).isInstanceOfAny(types);
        assertThat(Files.readAllBytes(bad)).as("file after the refused open").isEqualTo(bytes);
        Files.delete(bad);
    }

    /** The refusals above changed nothing that matters: the unmodified bytes still open as a healthy heap. */
    private void reopenOriginal(byte[] original) throws Exception {
        Files.write(file(), original);
        heap = MappedHeap.open(file());
        assertThat(heap.readLong(heap.root())).isEqualTo(0x5EEDL);
        assertConsistent(heap);
    }

    /** FNV-1a 64 over {@code bytes[0..length)}: the header checksum the format specifies. */
    private static long fnv1a64(byte[] bytes, int length) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < length; i++) {
            hash ^= bytes[i] & 0xFF;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
