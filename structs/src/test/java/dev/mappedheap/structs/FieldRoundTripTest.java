package dev.mappedheap.structs;

import static dev.mappedheap.structs.StructTestSupport.ALL_KINDS;
import static dev.mappedheap.structs.StructTestSupport.assertConsistent;
import static dev.mappedheap.structs.StructTestSupport.newHeap;
import static dev.mappedheap.structs.StructTestSupport.reopen;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.MappedHeap;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every field kind keeps every boundary value, read back at once and after the heap file is reopened. */
class FieldRoundTripTest {
    private static final ByteField B = ALL_KINDS.field("b", ByteField.class);
    private static final LongField L = ALL_KINDS.field("l", LongField.class);
    private static final ShortField S = ALL_KINDS.field("s", ShortField.class);
    private static final CharField C = ALL_KINDS.field("c", CharField.class);
    private static final IntField I = ALL_KINDS.field("i", IntField.class);
    private static final FloatField F = ALL_KINDS.field("f", FloatField.class);
    private static final DoubleField D = ALL_KINDS.field("d", DoubleField.class);
    private static final BooleanField Z = ALL_KINDS.field("z", BooleanField.class);
    private static final FixedBytesField RAW = ALL_KINDS.field("raw", FixedBytesField.class);
    private static final RefField NEXT = ALL_KINDS.field("next", RefField.class);
    private static final StringField NAME = ALL_KINDS.field("name", StringField.class);
    private static final BytesField BLOB = ALL_KINDS.field("blob", BytesField.class);

    // one struct per row: row k holds the k-th value of every column
    private static final byte[] BYTES = {Byte.MIN_VALUE, -1, 0, 1, Byte.MAX_VALUE, 0x55};
    private static final short[] SHORTS = {Short.MIN_VALUE, -1, 0, 1, Short.MAX_VALUE, 0x1234};
    private static final char[] CHARS = {0, 1, 0x7FFF, 0x8000, 0xFFFF, 'é'};
    private static final int[] INTS = {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE, 0x12345678};
    private static final long[] LONGS = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 0x0123456789ABCDEFL};
    private static final float[] FLOATS = {-0.0f, Float.intBitsToFloat(0x7fc12345), Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE};
    private static final double[] DOUBLES = {-0.0, Double.longBitsToDouble(0x7ff80000deadbeefL),
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE};
    private static final boolean[] BOOLEANS = {true, false, true, true, false, true};
    private static final byte[][] RAWS = {{0, 0, 0, 0, 0}, {-1, -1, -1, -1, -1}, {1, 2, 3, 4, 5},
        {-128, 127, 0, -1, 1}, {0, 0, 0, 0, 1}, {9, 0, 0, 0, 0}};
    private static final long[] REFS = {0, 16, 57360, Long.MAX_VALUE, 1L << 40, 8};
    private static final String[] STRINGS = {null, "", "a", "Grüße, 日本語, 𝄞😀", "x".repeat(10_000), "nul\u0000inside"};
    private static final byte[][] BLOBS = {null, {}, allByteValues(), randomBytes(100 << 10), {0}, {-1}};
    private static final int ROWS = BYTES.length;

    @Test
    void everyFieldKindKeepsItsBoundaryValuesAcrossReopen(@TempDir Path dir) {
        MappedHeap heap = newHeap(dir);
        long[] offsets = new long[ROWS];
        StructView view = ALL_KINDS.newView(heap);
        for (int row = 0; row < ROWS; row++) {
            offsets[row] = ALL_KINDS.allocate(heap);
            writeRow(view.wrap(offsets[row]), row);
        }
        for (int row = 0; row < ROWS; row++) {
            assertRow(view.wrap(offsets[row]), row);
        }
        heap = reopen(heap);
        try {
            view = ALL_KINDS.newView(heap);
            for (int row = 0; row < ROWS; row++) {
                assertRow(view.wrap(offsets[row]), row);
            }
            assertConsistent(heap);
        } finally {
            heap.close();
        }
    }

    @Test
    void aNewStructReadsAsAllDefaults(@TempDir Path dir) {
        try (MappedHeap heap = newHeap(dir)) {
            // dirty a block of the same size first, so zeroing is what makes the fields read as defaults
            long dirty = heap.allocate(ALL_KINDS.size());
            heap.write(dirty, filled(ALL_KINDS.size(), (byte) 0x5A), 0, ALL_KINDS.size());
            heap.free(dirty);

            StructView view = ALL_KINDS.newView(heap).wrap(ALL_KINDS.allocate(heap));
            assertThat(view.recordVersion()).isEqualTo(1);
            assertThat(view.recordSize()).isEqualTo(ALL_KINDS.size());
            assertThat(B.get(view)).isZero();
            assertThat(L.get(view)).isZero();
            assertThat(S.get(view)).isZero();
            assertThat(C.get(view)).isEqualTo((char) 0);
            assertThat(I.get(view)).isZero();
            assertThat(Float.floatToRawIntBits(F.get(view))).isZero();
            assertThat(Double.doubleToRawLongBits(D.get(view))).isZero();
            assertThat(Z.get(view)).isFalse();
            assertThat(RAW.get(view)).containsOnly(0);
            assertThat(NEXT.get(view)).isZero();
            assertThat(NAME.get(view)).isNull();
            assertThat(NAME.length(view)).isEqualTo(-1);
            assertThat(BLOB.get(view)).isNull();
            assertThat(BLOB.isNull(view)).isTrue();
            assertConsistent(heap);
        }
    }

    @Test
    void fieldsLieInDeclarationOrderAtTheirNaturalAlignment() {
        assertThat(ALL_KINDS.fields()).extracting(Field::name)
                .containsExactly("b", "l", "s", "c", "i", "f", "d", "z", "raw", "next", "name", "blob");
        // header 16; b@16; l aligned to 24; s@32 c@34 i@36 f@40; d aligned to 48; z@56 raw@57..61; next@64
        assertThat(ALL_KINDS.fields()).extracting(Field::offset)
                .containsExactly(16, 24, 32, 34, 36, 40, 48, 56, 57, 64, 72, 80);
        assertThat(ALL_KINDS.size()).isEqualTo(88);
    }

    @Test
    void fixedBytesAreReadAndWrittenThroughTheCallersArrayAndByteByByte(@TempDir Path dir) {
        try (MappedHeap heap = newHeap(dir)) {
            StructView view = ALL_KINDS.newView(heap).wrap(ALL_KINDS.allocate(heap));
            RAW.set(view, new byte[] {7, 1, 2, 3, 4, 5, 7}, 1);
            byte[] into = filled(9, (byte) -1);
            RAW.get(view, into, 2);
            assertThat(into).containsExactly(-1, -1, 1, 2, 3, 4, 5, -1, -1);
            RAW.setByte(view, 4, (byte) 99);
            assertThat(RAW.getByte(view, 4)).isEqualTo((byte) 99);
            assertThat(RAW.get(view)).containsExactly(1, 2, 3, 4, 99);
            // the bytes after the field are the reference, untouched
            assertThat(NEXT.get(view)).isZero();
            assertConsistent(heap);
        }
    }

    private static void writeRow(StructView view, int row) {
        B.set(view, BYTES[row]);
        L.set(view, LONGS[row]);
        S.set(view, SHORTS[row]);
        C.set(view, CHARS[row]);
        I.set(view, INTS[row]);
        F.set(view, FLOATS[row]);
        D.set(view, DOUBLES[row]);
        Z.set(view, BOOLEANS[row]);
        RAW.set(view, RAWS[row], 0);
        NEXT.set(view, REFS[row]);
        NAME.set(view, STRINGS[row]);
        BLOB.set(view, BLOBS[row]);
    }

    private static void assertRow(StructView view, int row) {
        String where = "row " + row;
        assertThat(B.get(view)).as(where).isEqualTo(BYTES[row]);
        assertThat(L.get(view)).as(where).isEqualTo(LONGS[row]);
        assertThat(S.get(view)).as(where).isEqualTo(SHORTS[row]);
        assertThat(C.get(view)).as(where).isEqualTo(CHARS[row]);
        assertThat(I.get(view)).as(where).isEqualTo(INTS[row]);
        assertThat(Float.floatToRawIntBits(F.get(view))).as(where).isEqualTo(Float.floatToRawIntBits(FLOATS[row]));
        assertThat(Double.doubleToRawLongBits(D.get(view))).as(where)
                .isEqualTo(Double.doubleToRawLongBits(DOUBLES[row]));
        assertThat(Z.get(view)).as(where).isEqualTo(BOOLEANS[row]);
        assertThat(RAW.get(view)).as(where).containsExactly(RAWS[row]);
        assertThat(NEXT.get(view)).as(where).isEqualTo(REFS[row]);
        assertThat(NAME.get(view)).as(where).isEqualTo(STRINGS[row]);
        assertThat(BLOB.get(view)).as(where).isEqualTo(BLOBS[row]);
        assertThat(BLOB.length(view)).as(where).isEqualTo(BLOBS[row] == null ? -1 : BLOBS[row].length);
    }

    private static byte[] allByteValues() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, value);
        return bytes;
    }
}
