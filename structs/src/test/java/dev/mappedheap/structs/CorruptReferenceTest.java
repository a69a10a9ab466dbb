package dev.mappedheap.structs;

import static dev.mappedheap.structs.StructTestSupport.assertConsistent;
import static dev.mappedheap.structs.StructTestSupport.liveBlocks;
import static dev.mappedheap.structs.StructTestSupport.newHeap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mappedheap.allocator.InvalidOffsetException;
import dev.mappedheap.allocator.MappedHeap;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A string or byte-string reference read from the file is untrusted: one that does not lead to a block of its
 * kind with a length that fits is reported, naming the field, before anything is read, changed or freed.
 */
class CorruptReferenceTest {
    static final StructLayout NOTE = StructLayout.builder("Note", 1).string("text").byteString("data").build();
    static final StringField TEXT = NOTE.field("text", StringField.class);
    static final BytesField DATA = NOTE.field("data", BytesField.class);

    @TempDir
    Path dir;
    MappedHeap heap;
    StructView view;

    @BeforeEach
    void openHeap() {
        heap = newHeap(dir);
        view = NOTE.newView(heap).wrap(NOTE.allocate(heap));
    }

    @AfterEach
    void checkAndClose() {
        assertConsistent(heap);
        heap.close();
    }

    private void pointTextAt(long ref) {
        heap.writeLong(view.offset() + TEXT.offset(), ref);
    }

    /** Every read and write of the text field, and freeing the struct, throws the same mismatch. */
    private StructMismatchException refusedEverywhere() {
        long blocks = liveBlocks(heap);
        StructMismatchException e = catchThrowableOfType(StructMismatchException.class, () -> TEXT.get(view));
        assertThat(e).as("get").isNotNull();
        assertThat(e.fieldName()).isEqualTo("text");
        assertThat(e.offset()).isEqualTo(view.offset());
        assertThat(e.getMessage()).contains("field=text", "layout=Note");
        for (Runnable access : new Runnable[] {
            () -> TEXT.length(view), () -> TEXT.contentEquals(view, "x"), () -> TEXT.copyTo(view, new byte[64], 0),
            () -> TEXT.set(view, "new value"), () -> TEXT.set(view, null), () -> NOTE.free(heap, view.offset())}) {
            assertThat(catchThrowableOfType(StructMismatchException.class, access::run).problem())
                    .isEqualTo(e.problem());
        }
        assertThat(liveBlocks(heap)).as("nothing allocated or freed").isEqualTo(blocks);
        pointTextAt(0); // repair, so the test's closing checks can run
        return e;
    }

    @Test
    void aReferenceToAFreedBlockIsRefused() {
        long freed = heap.allocate(32);
        heap.free(freed);
        pointTextAt(freed);
        StructMismatchException e = refusedEverywhere();
        assertThat(e.problem()).isEqualTo("reference is not a live block");
        assertThat(e.found()).isEqualTo("ref=" + freed);
        assertThat(e.getCause()).isInstanceOf(InvalidOffsetException.class);
    }

    @Test
    void aReferencePastTheFileIsRefused() {
        pointTextAt(Long.MAX_VALUE - 15);
        assertThat(refusedEverywhere().problem()).isEqualTo("reference is not a live block");
    }

    @Test
    void aReferenceToAStructIsRefusedAsAnotherKind() {
        long other = NOTE.allocate(heap);
        pointTextAt(other);
        StructMismatchException e = refusedEverywhere();
        assertThat(e.problem()).isEqualTo("referenced block is of another kind");
        assertThat(e.expected()).isEqualTo("kind=UTF8");
        NOTE.free(heap, other);
    }

    @Test
    void aStringFieldPointingAtAByteStringIsRefused() {
        DATA.set(view, new byte[] {1, 2, 3});
        long bytesBlock = heap.readLong(view.offset() + DATA.offset());
        pointTextAt(bytesBlock);
        StructMismatchException e = refusedEverywhere();
        assertThat(e.found()).isEqualTo("ref=" + bytesBlock + " kind=BYTS");
    }

    @Test
    void aLengthLargerThanTheBlockIsRefused() {
        TEXT.set(view, "short");
        long block = heap.readLong(view.offset() + TEXT.offset());
        heap.writeInt(block + BlobLayout.LENGTH_OFFSET, 1_000_000);
        long blocks = liveBlocks(heap);
        StructMismatchException e = catchThrowableOfType(StructMismatchException.class, () -> TEXT.get(view));
        assertThat(e.problem()).isEqualTo("blob length does not fit its block");
        assertThat(e.found()).isEqualTo("ref=" + block + " length=1000000");
        heap.writeInt(block + BlobLayout.LENGTH_OFFSET, -1);
        assertThat(catchThrowableOfType(StructMismatchException.class, () -> NOTE.free(heap, view.offset())))
                .isNotNull();
        assertThat(liveBlocks(heap)).isEqualTo(blocks);
        heap.writeInt(block + BlobLayout.LENGTH_OFFSET, 5);
        assertThat(TEXT.get(view)).isEqualTo("short");
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedRatherThanReplaced() {
        TEXT.set(view, "abcd");
        long block = heap.readLong(view.offset() + TEXT.offset());
        heap.writeByte(block + BlobLayout.DATA_OFFSET + 1, (byte) 0xC0); // an overlong-form lead byte
        StructMismatchException e = catchThrowableOfType(StructMismatchException.class, () -> TEXT.get(view));
        assertThat(e.problem()).isEqualTo("string block is not well-formed UTF-8");
        TEXT.set(view, null);
    }

    @Test
    void twoFieldsOwningOneBlockAreRefusedBeforeAnythingIsFreed() {
        DATA.set(view, new byte[] {1});
        long block = heap.readLong(view.offset() + DATA.offset());
        StructLayout twin = StructLayout.builder("Twin", 1).byteString("a").byteString("b").build();
        long offset = twin.allocate(heap);
        heap.writeLong(offset + twin.field("a", BytesField.class).offset(), block);
        heap.writeLong(offset + twin.field("b", BytesField.class).offset(), block);
        long blocks = liveBlocks(heap);
        StructMismatchException e = catchThrowableOfType(StructMismatchException.class, () -> twin.free(heap, offset));
        assertThat(e.problem()).isEqualTo("two fields refer to one owned block");
        assertThat(liveBlocks(heap)).isEqualTo(blocks);
        heap.writeLong(offset + twin.field("b", BytesField.class).offset(), 0);
        heap.writeLong(offset + twin.field("a", BytesField.class).offset(), 0);
        twin.free(heap, offset);
    }
}
