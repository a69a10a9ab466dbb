package dev.mappedheap.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MappedHeap#copy} moves bytes like memmove, for ranges of any size, and refuses bad ranges. */
class CopyTest {
    @TempDir Path dir;

    @Test
    void copiesBetweenBlocksAndWithinOneInBothDirectionsAcrossChunkSizes() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults())) {
            for (int length : new int[] {0, 1, 15, 4096, (3 << 20) + 7}) {
                long block = heap.allocate(2L * length + 64);
                long other = heap.allocate(length + 16);
                byte[] original = random(length);
                heap.write(block, original, 0, length);
                heap.copy(block, other, length);
                assertThat(read(heap, other, length)).isEqualTo(original);
                // overlapping, destination above the source (the case a forward chunked copy gets wrong)
                heap.copy(block, block + 40, length);
                assertThat(read(heap, block + 40, length)).isEqualTo(original);
                // overlapping, destination below the source
                heap.copy(block + 40, block + 8, length);
                assertThat(read(heap, block + 8, length)).isEqualTo(original);
                heap.free(block);
                heap.free(other);
            }
            assertThat(heap.check().ok()).isTrue();
        }
    }

    @Test
    void refusesRangesOutsideTheHeapAndNegativeLengths() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults())) {
            long block = heap.allocate(64);
            long capacity = heap.stats().capacity();
            assertThatThrownBy(() -> heap.copy(block, 0, 8)).isInstanceOf(InvalidOffsetException.class);
            assertThatThrownBy(() -> heap.copy(8, block, 8)).isInstanceOf(InvalidOffsetException.class);
            assertThatThrownBy(() -> heap.copy(block, capacity - 4, 8)).isInstanceOf(InvalidOffsetException.class);
            assertThatThrownBy(() -> heap.copy(block, Long.MAX_VALUE - 2, 8)).isInstanceOf(InvalidOffsetException.class);
            assertThatThrownBy(() -> heap.copy(block, block, -1)).isInstanceOf(IllegalArgumentException.class);
            assertThat(heap.check().ok()).isTrue();
        }
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new SplittableRandom(length).nextBytes(bytes);
        return bytes;
    }

    private static byte[] read(MappedHeap heap, long offset, int length) {
        byte[] bytes = new byte[length];
        heap.read(offset, bytes, 0, length);
        return bytes;
    }
}
