package dev.mappedheap.structs;

import static dev.mappedheap.structs.StructTestSupport.assertConsistent;
import static dev.mappedheap.structs.StructTestSupport.newHeap;
import static dev.mappedheap.structs.StructTestSupport.writeHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.InvalidOffsetException;
import dev.mappedheap.allocator.MappedHeap;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A record that does not match the layout reading it, or an offset that is no record, is refused at wrap. */
class StructMismatchTest {
    static final StructLayout POINT = StructLayout.builder("Point", 1).int64("x").int64("y").build();
    static final StructLayout OTHER = StructLayout.builder("Other", 1).int64("x").int64("y").build();
    /** Version 3 of a layout that no longer reads records older than version 2. */
    static final StructLayout STRICT = StructLayout.builder("Strict", 3).oldestReadableVersion(2)
            .int64("a").since(2).int64("b").since(3).int32("c").build();
    static final LongField X = POINT.field("x", LongField.class);

    @TempDir
    Path dir;
    MappedHeap heap;

    @BeforeEach
    void openHeap() {
        heap = newHeap(dir);
    }

    @AfterEach
    void checkAndClose() {
        assertConsistent(heap);
        heap.close();
    }

    @Test
    void aRecordOfAnotherTypeIsRefusedNamingBothTags() {
        long offset = OTHER.allocate(heap);
        StructMismatchException e = mismatchOnWrap(POINT, offset);
        assertThat(e.problem()).isEqualTo("type tag");
        assertThat(e.layoutName()).isEqualTo("Point");
        assertThat(e.offset()).isEqualTo(offset);
        assertThat(e.expected()).isEqualTo("typeTag=" + StructHeaderLayout.hex(POINT.typeTag()));
        assertThat(e.found()).isEqualTo("typeTag=" + StructHeaderLayout.hex(OTHER.typeTag()));
        assertThat(e.getMessage()).contains("layout=Point", "offset=" + offset);
    }

    @Test
    void aVersionOlderThanTheOldestReadableIsRefused() {
        long offset = heap.allocate(STRICT.size());
        writeHeader(heap, offset, STRICT.typeTag(), 1, STRICT.sizeOfVersion(1));
        StructMismatchException e = mismatchOnWrap(STRICT, offset);
        assertThat(e.problem()).isEqualTo("version outside the supported range");
        assertThat(e.expected()).isEqualTo("version>=2");
        assertThat(e.found()).isEqualTo("version=1");
    }

    @Test
    void versionZeroAndNegativeVersionsAreRefused() {
        long offset = heap.allocate(POINT.size());
        writeHeader(heap, offset, POINT.typeTag(), 0, POINT.size());
        assertThat(mismatchOnWrap(POINT, offset).found()).isEqualTo("version=0");
        writeHeader(heap, offset, POINT.typeTag(), -7, POINT.size());
        assertThat(mismatchOnWrap(POINT, offset).found()).isEqualTo("version=-7");
    }

    @Test
    void aRecordShorterThanItsDeclaredVersionRequiresIsRefused() {
        long offset = heap.allocate(STRICT.size());
        writeHeader(heap, offset, STRICT.typeTag(), 3, STRICT.sizeOfVersion(2));
        StructMismatchException e = mismatchOnWrap(STRICT, offset);
        assertThat(e.problem()).isEqualTo("size does not match the declared version");
        assertThat(e.expected()).isEqualTo("size=" + STRICT.sizeOfVersion(3) + " for version=3");
        assertThat(e.found()).isEqualTo("size=" + STRICT.sizeOfVersion(2));
    }

    @Test
    void aNewerRecordShorterThanThisLayoutIsRefused() {
        long offset = heap.allocate(64);
        writeHeader(heap, offset, POINT.typeTag(), 2, POINT.size() - 8);
        StructMismatchException e = mismatchOnWrap(POINT, offset);
        assertThat(e.problem()).isEqualTo("record of a newer version shorter than this layout");
        assertThat(e.found()).isEqualTo("size=" + (POINT.size() - 8));
    }

    @Test
    void aBlockTooSmallForTheDeclaredSizeIsRefused() {
        StructLayout wide = StructLayout.builder("Wide", 1).bytes("payload", 200).build();
        long offset = heap.allocate(20);
        long usable = heap.usableSize(offset);
        assertThat(usable).isLessThan(wide.size());
        writeHeader(heap, offset, wide.typeTag(), 1, wide.size());
        StructMismatchException e = mismatchOnWrap(wide, offset);
        assertThat(e.problem()).isEqualTo("block too small for the declared size");
        assertThat(e.expected()).isEqualTo("blockSize>=" + wide.size());
        assertThat(e.found()).isEqualTo("blockSize=" + usable);
    }

    @Test
    void aBlockThatIsNoStructFailsTheHeaderCheckWord() {
        long offset = heap.allocate(POINT.size());
        heap.writeInt(offset, POINT.typeTag()); // the right tag, but the rest is not a struct header
        heap.writeInt(offset + 4, 1);
        heap.writeInt(offset + 8, POINT.size());
        heap.writeInt(offset + 12, 0);
        assertThat(mismatchOnWrap(POINT, offset).problem()).startsWith("header check word does not match");
    }

    @Test
    void aDamagedHeaderWordFailsTheCheckWord() {
        long offset = POINT.allocate(heap);
        heap.writeInt(offset + StructHeaderLayout.SIZE_OFFSET, POINT.size() + 8);
        assertThat(mismatchOnWrap(POINT, offset).problem()).startsWith("header check word does not match");
    }

    @Test
    void offsetsThatAreNoLiveBlockAreRefused() {
        long offset = POINT.allocate(heap);
        long freed = POINT.allocate(heap);
        POINT.free(heap, freed);
        StructView view = POINT.newView(heap);

        assertThatThrownBy(() -> view.wrap(freed)).isInstanceOf(InvalidOffsetException.class)
                .hasMessageContaining("layout=Point").hasMessageContaining("offset=" + freed);
        assertThatThrownBy(() -> view.wrap(offset + 16)).as("inside a block")
                .isInstanceOf(InvalidOffsetException.class).hasMessageContaining("offset=" + (offset + 16));
        assertThatThrownBy(() -> view.wrap(offset + 8)).as("inside a block, not 16-aligned")
                .isInstanceOf(InvalidOffsetException.class);
        long pastTheFile = heap.stats().capacity() + 4096;
        assertThatThrownBy(() -> view.wrap(pastTheFile)).isInstanceOf(InvalidOffsetException.class)
                .hasMessageContaining("offset=" + pastTheFile);
        assertThatThrownBy(() -> view.wrap(0)).isInstanceOf(InvalidOffsetException.class)
                .hasMessageContaining("null struct reference");
        assertThatThrownBy(() -> view.wrap(-16)).isInstanceOf(InvalidOffsetException.class);
        assertThatThrownBy(() -> view.wrap(16)).as("in the file header").isInstanceOf(InvalidOffsetException.class);
        assertThatThrownBy(() -> POINT.free(heap, freed)).as("double free").isInstanceOf(InvalidOffsetException.class);
    }

    @Test
    void aFailedWrapLeavesTheViewUnwrapped() {
        long offset = POINT.allocate(heap);
        StructView view = POINT.newView(heap).wrap(offset);
        X.set(view, 3);
        assertThatThrownBy(() -> view.wrap(OTHER.allocate(heap))).isInstanceOf(StructMismatchException.class);
        assertThat(view.isWrapped()).isFalse();
        assertThat(view.toString()).contains("not wrapped");
        assertThatThrownBy(() -> X.get(view)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("view not wrapped");
        assertThatThrownBy(() -> X.set(view, 4)).isInstanceOf(IllegalStateException.class);
        assertThat(X.get(view.wrap(offset))).isEqualTo(3);
    }

    @Test
    void aFieldOfAnotherLayoutIsRefusedOnAView() {
        StructView other = OTHER.newView(heap).wrap(OTHER.allocate(heap));
        assertThatThrownBy(() -> X.get(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field=Point.x").hasMessageContaining("Other");
        assertThatThrownBy(() -> X.set(other, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> X.isPresent(other)).isInstanceOf(IllegalArgumentException.class);
    }

    private StructMismatchException mismatchOnWrap(StructLayout layout, long offset) {
        StructView view = layout.newView(heap);
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> view.wrap(offset));
        assertThat(thrown).isInstanceOf(StructMismatchException.class);
        assertThat(view.isWrapped()).isFalse();
        return (StructMismatchException) thrown;
    }
}
