package dev.mappedheap.structs;

import static dev.mappedheap.structs.StructTestSupport.assertConsistent;
import static dev.mappedheap.structs.StructTestSupport.liveBlocks;
import static dev.mappedheap.structs.StructTestSupport.newHeap;
import static dev.mappedheap.structs.StructTestSupport.reopen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.MappedHeap;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two programs with two versions of one layout share a file: each reads the other's records, the newer one
 * sees defaults for fields an older record lacks, and neither corrupts what it does not know.
 */
class LayoutEvolutionTest {
    /** What the older program declares. */
    static final StructLayout V1 = StructLayout.builder("Envelope", 1)
            .int64("uid")
            .string("subject")
            .int8("priority")
            .build();
    /** The same layout after version 2 added three fields at the end. */
    static final StructLayout V2 = StructLayout.builder("Envelope", 2)
            .int64("uid")
            .string("subject")
            .int8("priority")
            .since(2)
            .float64("score")
            .string("note")
            .bytes("tag", 3)
            .build();

    static final LongField UID1 = V1.field("uid", LongField.class);
    static final StringField SUBJECT1 = V1.field("subject", StringField.class);
    static final ByteField PRIORITY1 = V1.field("priority", ByteField.class);
    static final LongField UID2 = V2.field("uid", LongField.class);
    static final StringField SUBJECT2 = V2.field("subject", StringField.class);
    static final ByteField PRIORITY2 = V2.field("priority", ByteField.class);
    static final DoubleField SCORE2 = V2.field("score", DoubleField.class);
    static final StringField NOTE2 = V2.field("note", StringField.class);
    static final FixedBytesField TAG2 = V2.field("tag", FixedBytesField.class);

    @Test
    void fieldsOfEveryVersionKeepTheirOffsets() {
        for (Field old : V1.fields()) {
            assertThat(V2.field(old.name(), Field.class).offset()).as(old.name()).isEqualTo(old.offset());
        }
        assertThat(V2.sizeOfVersion(1)).isEqualTo(V1.size());
        assertThat(V2.size()).isGreaterThan(V1.size());
        assertThat(V2.typeTag()).isEqualTo(V1.typeTag());
        assertThat(SCORE2.sinceVersion()).isEqualTo(2);
        assertThat(UID2.sinceVersion()).isEqualTo(1);
    }

    @Test
    void theNewerLayoutReadsAnOlderRecordWithDefaultsForTheFieldsItLacks(@TempDir Path dir) {
        MappedHeap heap = newHeap(dir);
        long offset = V1.allocate(heap);
        StructView old = V1.newView(heap).wrap(offset);
        UID1.set(old, 77);
        SUBJECT1.set(old, "written by v1");
        PRIORITY1.set(old, (byte) -3);
        heap = reopen(heap);
        try {
            StructView view = V2.newView(heap).wrap(offset);
            assertThat(view.recordVersion()).isEqualTo(1);
            assertThat(view.recordSize()).isEqualTo(V1.size());
            assertThat(UID2.get(view)).isEqualTo(77);
            assertThat(SUBJECT2.get(view)).isEqualTo("written by v1");
            assertThat(PRIORITY2.get(view)).isEqualTo((byte) -3);
            assertThat(SCORE2.isPresent(view)).isFalse();
            assertThat(SCORE2.get(view)).isZero();
            assertThat(NOTE2.get(view)).isNull();
            assertThat(NOTE2.isNull(view)).isTrue();
            assertThat(NOTE2.contentEquals(view, (CharSequence) null)).isTrue();
            assertThat(TAG2.get(view)).containsExactly(0, 0, 0);
            // old fields stay writable through the newer layout
            UID2.set(view, 78);
            assertThat(UID1.get(V1.newView(heap).wrap(offset))).isEqualTo(78);
            assertConsistent(heap);
        } finally {
            heap.close();
        }
    }

    @Test
    void theOlderLayoutReadsAndWritesANewerRecordLeavingTheNewFieldsAlone(@TempDir Path dir) {
        MappedHeap heap = newHeap(dir);
        long offset = V2.allocate(heap);
        StructView newer = V2.newView(heap).wrap(offset);
        UID2.set(newer, 5);
        SUBJECT2.set(newer, "v2 subject");
        PRIORITY2.set(newer, (byte) 9);
        SCORE2.set(newer, 2.5);
        NOTE2.set(newer, "a note only v2 knows");
        TAG2.set(newer, new byte[] {1, 2, 3}, 0);
        heap = reopen(heap);
        try {
            StructView old = V1.newView(heap).wrap(offset);
            assertThat(old.recordVersion()).isEqualTo(2);
            assertThat(old.recordSize()).isEqualTo(V2.size());
            assertThat(UID1.get(old)).isEqualTo(5);
            assertThat(SUBJECT1.get(old)).isEqualTo("v2 subject");
            assertThat(PRIORITY1.get(old)).isEqualTo((byte) 9);
            UID1.set(old, 6);
            SUBJECT1.set(old, "rewritten by v1, longer than before so it moves");
            PRIORITY1.set(old, (byte) 10);

            StructView view = V2.newView(heap).wrap(offset);
            assertThat(UID2.get(view)).isEqualTo(6);
            assertThat(SUBJECT2.get(view)).isEqualTo("rewritten by v1, longer than before so it moves");
            assertThat(PRIORITY2.get(view)).isEqualTo((byte) 10);
            assertThat(SCORE2.get(view)).isEqualTo(2.5);
            assertThat(NOTE2.get(view)).isEqualTo("a note only v2 knows");
            assertThat(TAG2.get(view)).containsExactly(1, 2, 3);
            assertConsistent(heap);
        } finally {
            heap.close();
        }
    }

    @Test
    void writingAFieldAnOlderRecordLacksIsRefusedAndChangesNothing(@TempDir Path dir) {
        try (MappedHeap heap = newHeap(dir)) {
            long offset = V1.allocate(heap);
            StructView view = V2.newView(heap).wrap(offset);
            long blocks = liveBlocks(heap);
            byte[] before = read(heap, offset, V1.size());

            assertThatThrownBy(() -> SCORE2.set(view, 1.0))
                    .isInstanceOf(FieldNotInRecordException.class)
                    .hasMessageContaining("field=Envelope.score")
                    .hasMessageContaining("sinceVersion=2")
                    .hasMessageContaining("recordVersion=1")
                    .hasMessageContaining("offset=" + offset)
                    .hasMessageContaining("upgrade");
            assertThatThrownBy(() -> NOTE2.set(view, "x")).isInstanceOf(FieldNotInRecordException.class);
            assertThatThrownBy(() -> NOTE2.clear(view)).isInstanceOf(FieldNotInRecordException.class);
            assertThatThrownBy(() -> TAG2.setByte(view, 0, (byte) 1)).isInstanceOf(FieldNotInRecordException.class);

            assertThat(read(heap, offset, V1.size())).isEqualTo(before);
            assertThat(liveBlocks(heap)).isEqualTo(blocks);
            assertConsistent(heap);
        }
    }

    @Test
    void upgradeGrowsAnOlderRecordSoTheNewFieldsCanBeWritten(@TempDir Path dir) {
        MappedHeap heap = newHeap(dir);
        long offset = V1.allocate(heap);
        StructView old = V1.newView(heap).wrap(offset);
        UID1.set(old, 41);
        SUBJECT1.set(old, "kept across the upgrade");
        long neighbour = V1.allocate(heap); // right after it, so growing in place is impossible and it moves

        long upgraded = V2.upgrade(heap, offset);
        assertThat(upgraded).as("a live neighbour leaves no room to grow in place").isNotEqualTo(offset);
        StructView view = V2.newView(heap).wrap(upgraded);
        assertThat(view.recordVersion()).isEqualTo(2);
        assertThat(view.recordSize()).isEqualTo(V2.size());
        assertThat(UID2.get(view)).isEqualTo(41);
        assertThat(SUBJECT2.get(view)).isEqualTo("kept across the upgrade");
        assertThat(SCORE2.get(view)).isZero();
        assertThat(NOTE2.get(view)).isNull();
        SCORE2.set(view, -1.5);
        NOTE2.set(view, "now it fits");
        assertThat(V2.upgrade(heap, upgraded)).as("a current record is left alone").isEqualTo(upgraded);

        heap = reopen(heap);
        try {
            view = V2.newView(heap).wrap(upgraded);
            assertThat(SCORE2.get(view)).isEqualTo(-1.5);
            assertThat(NOTE2.get(view)).isEqualTo("now it fits");
            assertThat(UID1.get(V1.newView(heap).wrap(upgraded))).isEqualTo(41);
            assertThat(V1.newView(heap).wrap(neighbour).recordVersion()).isEqualTo(1);
            assertConsistent(heap);
        } finally {
            heap.close();
        }
    }

    @Test
    void theNewerLayoutFreesAnOlderRecordWithItsStrings(@TempDir Path dir) {
        try (MappedHeap heap = newHeap(dir)) {
            long baseline = liveBlocks(heap);
            long offset = V1.allocate(heap);
            SUBJECT1.set(V1.newView(heap).wrap(offset), "owned");
            assertThat(liveBlocks(heap)).isEqualTo(baseline + 2);

            V2.free(heap, offset);
            assertThat(liveBlocks(heap)).isEqualTo(baseline);
            assertConsistent(heap);
        }
    }

    @Test
    void theOlderLayoutRefusesToFreeANewerRecordWhoseBlocksItDoesNotKnow(@TempDir Path dir) {
        try (MappedHeap heap = newHeap(dir)) {
            long offset = V2.allocate(heap);
            NOTE2.set(V2.newView(heap).wrap(offset), "only v2 knows this block is owned");
            long blocks = liveBlocks(heap);

            assertThatThrownBy(() -> V1.free(heap, offset))
                    .isInstanceOfSatisfying(StructMismatchException.class, e -> {
                        assertThat(e.problem()).contains("newer version");
                        assertThat(e.expected()).isEqualTo("version<=1");
                        assertThat(e.found()).isEqualTo("version=2");
                        assertThat(e.offset()).isEqualTo(offset);
                    });
            assertThat(liveBlocks(heap)).isEqualTo(blocks);
            V2.free(heap, offset);
            assertConsistent(heap);
        }
    }

    static byte[] read(MappedHeap heap, long offset, int length) {
        byte[] bytes = new byte[length];
        heap.read(offset, bytes, 0, length);
        return bytes;
    }
}
