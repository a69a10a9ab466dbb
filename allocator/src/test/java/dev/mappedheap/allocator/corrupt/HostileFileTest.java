package dev.mappedheap.allocator.corrupt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.HeapCorruptedException;
import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.allocator.format.BlockLayout;
import dev.mappedheap.allocator.format.HeaderLayout;
import dev.mappedheap.allocator.format.JournalLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-process regressions for what the corrupt-file suite found or pinned down: refusals that name field,
 * offset, found and expected, and damaged links that used to make the allocator write into live blocks.
 */
class HostileFileTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("h.heap");
    }

    private MappedHeap newHeap() {
        return MappedHeap.create(file(), HeapOptions.defaults().initialSize(256 << 10).maxSize(4 << 20));
    }

    /** Applies {@code damage} to the closed heap file's bytes. */
    private void damage(java.util.function.Consumer<MutableFile> damage) throws IOException {
        MutableFile f = new MutableFile(Files.readAllBytes(file()));
        damage.accept(f);
        Files.write(file(), java.util.Arrays.copyOf(f.bytes, f.length));
    }

    @Test
    void truncatedFileIsRefusedNamingCapacityAndTheFileSize() throws IOException {
        newHeap().close();
        long capacity = new MutableFile(Files.readAllBytes(file())).getLong(HeaderLayout.CAPACITY_OFFSET);
        damage(f -> f.truncate(capacity - 4096));
        assertThatThrownBy(() -> MappedHeap.open(file())).isInstanceOf(HeapCorruptedException.class)
                .hasMessageContaining("field=capacity offset=144 found=" + capacity)
                .hasMessageContaining("expected=<= " + (capacity - 4096));
    }

    @Test
    void headerFieldOutOfRangeIsRefusedNamingFieldOffsetFoundAndExpected() throws IOException {
        newHeap().close();
        damage(f -> {
            f.putLong(HeaderLayout.HEAP_START_OFFSET, 0);
            f.fixChecksum();
        });
        assertThatThrownBy(() -> MappedHeap.open(file())).isInstanceOf(HeapCorruptedException.class)
                .hasMessageContaining("field=heapStart offset=16 found=0 expected=57344");
    }

    @Test
    void liveJournalEntryOutsideTheFileIsRefusedBeforeAnythingIsRestored() throws IOException {
        newHeap().close();
        byte[] before = Files.readAllBytes(file());
        damage(f -> {
            long seq = f.getLong(HeaderLayout.JOURNAL_SEQ_OFFSET);
            f.putLong(JournalLayout.DEFAULT_JOURNAL_OFFSET + JournalLayout.ADDRESS_OFFSET, f.length);
            f.putLong(JournalLayout.DEFAULT_JOURNAL_OFFSET + JournalLayout.SEQ_OFFSET, seq);
        });
        assertThatThrownBy(() -> MappedHeap.open(file())).isInstanceOf(HeapCorruptedException.class)
                .hasMessageContaining("offset=8192 field=address found=" + before.length);
    }

    @Test
    void listLinkIntoALiveBlockIsRefusedNotFollowed() throws IOException {
        long victim;
        long owned;
        try (MappedHeap heap = newHeap()) {
            heap.allocate(40);
            victim = heap.allocate(40);
            heap.allocate(40);
            owned = heap.allocate(40);
            heap.allocate(40);
            heap.free(victim); // alone on the 64-byte list
            heap.writeLong(owned, 0x5AFE);
        }
        long ownedBlock = owned - BlockLayout.HEADER_LENGTH;
        damage(f -> f.putLong(victim - BlockLayout.HEADER_LENGTH + BlockLayout.PREV_OFFSET, ownedBlock));
        try (MappedHeap heap = MappedHeap.open(file())) {
            assertThatThrownBy(() -> heap.allocate(40)).isInstanceOf(HeapCorruptedException.class)
                    .hasMessageContaining("does not link back");
            assertThat(heap.usableSize(owned)).as("the owned block is still live").isEqualTo(48);
            assertThat(heap.readLong(owned)).isEqualTo(0x5AFE);
            assertThat(heap.check().ok()).isFalse();
        }
    }

    @Test
    void freeBlockWhoseHeadCoversALiveNeighbourIsNotMergedOverIt() throws IOException {
        long before;
        long tree;
        long owned;
        try (MappedHeap heap = newHeap()) {
            before = heap.allocate(100);
            tree = heap.allocate(9000);
            owned = heap.allocate(100);
            heap.allocate(100);
            heap.free(tree); // the only node of the free tree, between two live blocks
            heap.writeLong(owned, 0x5AFE);
        }
        long treeBlock = tree - BlockLayout.HEADER_LENGTH;
        damage(f -> f.putLong(treeBlock, f.getLong(treeBlock) + 128)); // its size now runs over 'owned'
        try (MappedHeap heap = MappedHeap.open(file())) {
            assertThatThrownBy(() -> heap.free(before)).isInstanceOf(HeapCorruptedException.class)
                    .hasMessageContaining("footer disagrees");
            assertThat(heap.usableSize(owned)).isEqualTo(112);
            assertThat(heap.readLong(owned)).isEqualTo(0x5AFE);
            assertThat(heap.check().problems()).anyMatch(p -> p.contains("block size") || p.contains("footer"));
        }
    }
}
