package dev.mappedheap.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MappedHeap#allocateInto} and {@link MappedHeap#freeFrom}: allocate or free a block and its link at once. */
class LinkedAllocationTest {
    @TempDir Path dir;

    @Test
    void allocateIntoLinksTheNewBlockAndFreeFromUnlinksItOnce() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults())) {
            long holder = heap.allocate(64);
            long child = heap.allocateInto(holder, 16, 200);
            assertThat(heap.readLong(holder + 16)).isEqualTo(child);
            assertThat(heap.usableSize(child)).isGreaterThanOrEqualTo(200);
            assertThat(heap.freeFrom(holder, 16)).isEqualTo(child);
            assertThat(heap.readLong(holder + 16)).isZero();
            assertThatThrownBy(() -> heap.usableSize(child)).isInstanceOf(InvalidOffsetException.class);
            assertThat(heap.freeFrom(holder, 16)).as("a cleared link frees nothing").isZero();
            assertThat(heap.stats().liveBlocks()).isEqualTo(1);
            assertThat(heap.check().ok()).isTrue();
        }
    }

    @Test
    void allocateIntoHandsOverZeroedBlocksWhereverTheyComeFrom() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults())) {
            long holder = heap.allocate(64);
            long[] sizes = {16, 48, 200, 4096, 20_000, 100_000};
            long[] dirty = new long[sizes.length];
            for (int i = 0; i < sizes.length; i++) {
                dirty[i] = heap.allocate(sizes[i]);
                heap.allocate(16); // a fence, so the freed block stays a block of its own size
                for (long at = dirty[i]; at < dirty[i] + heap.usableSize(dirty[i]); at += 8) {
                    heap.writeLong(at, -1);
                }
            }
            for (long block : dirty) {
                heap.free(block); // on the exact-size lists and in the tree, with their bytes left dirty
            }
            for (int i = 0; i < sizes.length; i++) {
                long block = heap.allocateInto(holder, 0, sizes[i]);
                assertThat(block).as("reuses the freed block of size %d", sizes[i]).isEqualTo(dirty[i]);
                for (long at = block; at < block + heap.usableSize(block); at += 8) {
                    assertThat(heap.readLong(at)).as("size %d, offset +%d", sizes[i], at - block).isZero();
                }
                heap.writeLong(holder, 0); // forget it: the next allocateInto reuses the link word
            }
            long fromTop = heap.allocateInto(holder, 8, 1000);
            assertThat(heap.readLong(fromTop)).isZero();
            assertThat(heap.check().ok()).isTrue();
        }
    }

    @Test
    void badHoldersAndLinksAreRefusedWithTheHeapUnchanged() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults())) {
            long holder = heap.allocate(64);
            long freed = heap.allocate(64);
            heap.free(freed);
            HeapStats before = heap.stats();
            assertThatThrownBy(() -> heap.allocateInto(freed, 0, 10)).isInstanceOf(InvalidOffsetException.class);
            assertThatThrownBy(() -> heap.allocateInto(holder, 4, 10)).isInstanceOf(InvalidOffsetException.class)
                    .hasMessageContaining("fieldOffset=4");
            assertThatThrownBy(() -> heap.allocateInto(holder, 64, 10)).isInstanceOf(InvalidOffsetException.class)
                    .hasMessageContaining("outside its block");
            assertThatThrownBy(() -> heap.allocateInto(holder, -8, 10)).isInstanceOf(InvalidOffsetException.class);
            heap.writeLong(holder, holder);
            assertThatThrownBy(() -> heap.freeFrom(holder, 0)).isInstanceOf(InvalidOffsetException.class)
                    .hasMessageContaining("itself");
            heap.writeLong(holder, freed);
            assertThatThrownBy(() -> heap.freeFrom(holder, 0)).as("a link to a free block")
                    .isInstanceOf(InvalidOffsetException.class);
            assertThat(heap.readLong(holder)).as("the link is left as it was").isEqualTo(freed);
            assertThat(heap.stats()).isEqualTo(before);
            assertThat(heap.check().ok()).isTrue();
        }
    }
}
