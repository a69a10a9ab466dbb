package dev.mappedheap.structs;

import static dev.mappedheap.structs.StructTestSupport.assertConsistent;
import static dev.mappedheap.structs.StructTestSupport.liveBlocks;
import static dev.mappedheap.structs.StructTestSupport.newHeap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.InvalidOffsetException;
import dev.mappedheap.allocator.MappedHeap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strings and byte strings live in blocks their struct owns: rewritten in place when they fit, else moved. */
class StringStorageTest {
    static final StructLayout MESSAGE = StructLayout.builder("Message", 1)
            .string("subject").byteString("body").int64("after").build();
    static final StringField SUBJECT = MESSAGE.field("subject", StringField.class);
    static final BytesField BODY = MESSAGE.field("body", BytesField.class);
    static final LongField AFTER = MESSAGE.field("after", LongField.class);

    @TempDir
    Path dir;
    MappedHeap heap;
    StructView view;
    long baseline;

    @BeforeEach
    void openHeap() {
        heap = newHeap(dir);
        baseline = liveBlocks(heap);
        view = MESSAGE.newView(heap).wrap(MESSAGE.allocate(heap));
        AFTER.set(view, -1);
    }

    @AfterEach
    void checkAndClose() {
        assertThat(AFTER.get(view)).as("the field after the references is untouched").isEqualTo(-1);
        assertConsistent(heap);
        heap.close();
    }

    private long subjectBlock() {
        return heap.readLong(view.offset() + SUBJECT.offset());
    }

    @Test
    void aLongerStringThatFitsItsBlockIsWrittenInPlace() {
        SUBJECT.set(view, "Foo");
        long block = subjectBlock();
        SUBJECT.set(view, "Foobar");
        assertThat(subjectBlock()).isEqualTo(block);
        assertThat(SUBJECT.get(view)).isEqualTo("Foobar");
        SUBJECT.set(view, "F");
        assertThat(subjectBlock()).isEqualTo(block);
        assertThat(SUBJECT.get(view)).isEqualTo("F");
        assertThat(liveBlocks(heap)).isEqualTo(baseline + 2);
    }

    @Test
    void aStringThatOutgrowsItsBlockMovesAndTheOldBlockIsFreed() {
        SUBJECT.set(view, "Foo");
        long block = subjectBlock();
        String longer = "Foo".repeat(100);
        SUBJECT.set(view, longer);
        assertThat(subjectBlock()).isNotEqualTo(block);
        assertThat(SUBJECT.get(view)).isEqualTo(longer);
        assertThat(liveBlocks(heap)).isEqualTo(baseline + 2);
        assertThatThrownBy(() -> heap.usableSize(block)).isInstanceOf(InvalidOffsetException.class);
    }

    @Test
    void shrinkingALargeStringGivesItsSpaceBack() {
        SUBJECT.set(view, "x".repeat(10_000));
        long used = heap.stats().usedBytes();
        long block = subjectBlock();
        SUBJECT.set(view, "x");
        assertThat(subjectBlock()).isNotEqualTo(block);
        assertThat(heap.stats().usedBytes()).isLessThan(used - 9_000);
        assertThat(SUBJECT.get(view)).isEqualTo("x");
    }

    @Test
    void settingNullFreesTheBlockAndEmptyIsNotNull() {
        SUBJECT.set(view, "");
        assertThat(SUBJECT.get(view)).isEmpty();
        assertThat(SUBJECT.isNull(view)).isFalse();
        assertThat(SUBJECT.length(view)).isZero();
        assertThat(liveBlocks(heap)).isEqualTo(baseline + 2);
        SUBJECT.set(view, null);
        assertThat(SUBJECT.get(view)).isNull();
        assertThat(subjectBlock()).isZero();
        assertThat(liveBlocks(heap)).isEqualTo(baseline + 1);
        SUBJECT.clear(view); // clearing null is a no-op
        assertThat(liveBlocks(heap)).isEqualTo(baseline + 1);
    }

    @Test
    void theAllocationFreeReadsAgreeWithTheString() {
        String value = "Grüße 𝄞";
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        SUBJECT.set(view, value);
        assertThat(SUBJECT.length(view)).isEqualTo(utf8.length);
        byte[] into = new byte[utf8.length + 4];
        assertThat(SUBJECT.copyTo(view, into, 2)).isEqualTo(utf8.length);
        assertThat(java.util.Arrays.copyOfRange(into, 2, 2 + utf8.length)).isEqualTo(utf8);
        assertThatThrownBy(() -> SUBJECT.copyTo(view, new byte[utf8.length], 1))
                .isInstanceOf(IndexOutOfBoundsException.class);

        assertThat(SUBJECT.contentEquals(view, value)).isTrue();
        assertThat(SUBJECT.contentEquals(view, new StringBuilder(value))).isTrue();
        assertThat(SUBJECT.equalsUtf8(view, utf8)).isTrue();
        assertThat(SUBJECT.contentEquals(view, "Grüße")).as("a prefix").isFalse();
        assertThat(SUBJECT.contentEquals(view, value + "!")).as("longer").isFalse();
        assertThat(SUBJECT.contentEquals(view, "Grüsse 𝄞")).isFalse();
        assertThat(SUBJECT.contentEquals(view, "Grüße \uD834")).as("an unpaired surrogate").isFalse();
        assertThat(SUBJECT.contentEquals(view, (CharSequence) null)).isFalse();
        assertThat(SUBJECT.equalsUtf8(view, "Grüße 𝄟".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(SUBJECT.equalsUtf8(view, null)).isFalse();
        SUBJECT.set(view, null);
        assertThat(SUBJECT.copyTo(view, into, 0)).isEqualTo(-1);
        assertThat(SUBJECT.contentEquals(view, "")).isFalse();
    }

    @Test
    void anUnpairedSurrogateIsRefusedAndNothingChanges() {
        SUBJECT.set(view, "before");
        long block = subjectBlock();
        assertThatThrownBy(() -> SUBJECT.set(view, "bad \uDC00 low")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate").hasMessageContaining("index=4");
        assertThatThrownBy(() -> SUBJECT.set(view, "bad high at end \uD800"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(subjectBlock()).isEqualTo(block);
        assertThat(SUBJECT.get(view)).isEqualTo("before");
    }

    @Test
    void theEncoderWritesWhatTheJdkWritesForWellFormedStrings() {
        Random random = new Random(11);
        for (int n = 0; n < 2_000; n++) {
            StringBuilder s = new StringBuilder();
            for (int i = random.nextInt(20); i > 0; i--) {
                int cp;
                do {
                    cp = random.nextInt(4) == 0 ? random.nextInt(0x110000) : random.nextInt(0x800);
                } while (cp >= 0xD800 && cp <= 0xDFFF);
                s.appendCodePoint(cp);
            }
            assertThat(Utf8.encode(s)).as("%s", s).isEqualTo(s.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void byteStringsAreReplacedInPlaceOrMovedLikeStrings() {
        BODY.set(view, new byte[] {1, 2, 3});
        long block = heap.readLong(view.offset() + BODY.offset());
        BODY.set(view, new byte[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 2, 5);
        assertThat(heap.readLong(view.offset() + BODY.offset())).isEqualTo(block);
        assertThat(BODY.get(view)).containsExactly(7, 6, 5, 4, 3);
        assertThat(BODY.contentEquals(view, new byte[] {7, 6, 5, 4, 3})).isTrue();
        assertThat(BODY.contentEquals(view, new byte[] {7, 6, 5, 4, 2})).isFalse();
        byte[] big = new byte[5000];
        new Random(3).nextBytes(big);
        BODY.set(view, big);
        assertThat(BODY.get(view)).isEqualTo(big);
        assertThat(heap.readLong(view.offset() + BODY.offset())).isNotEqualTo(block);
        assertThatThrownBy(() -> BODY.set(view, big, 4990, 11)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(BODY.get(view)).isEqualTo(big);
        BODY.set(view, null);
        assertThat(BODY.get(view)).isNull();
        assertThat(liveBlocks(heap)).isEqualTo(baseline + 1);
    }

    @Test
    void freeingAStructFreesTheBlocksItOwns() {
        SUBJECT.set(view, "owned subject");
        BODY.set(view, new byte[100]);
        assertThat(liveBlocks(heap)).isEqualTo(baseline + 3);
        MESSAGE.free(heap, view.offset());
        assertThat(liveBlocks(heap)).isEqualTo(baseline);
        view.wrap(MESSAGE.allocate(heap)); // for the checks after each test
        AFTER.set(view, -1);
    }
}
