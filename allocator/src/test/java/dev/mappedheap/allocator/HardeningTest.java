package dev.mappedheap.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regression tests for holes an independent review found: each one failed (or crashed) before its fix. */
class HardeningTest {
    @TempDir Path dir;

    private MappedHeap newHeap() {
        return MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults());
    }

    @Test
    void rawAccessWhoseEndOverflowsIsRefusedNotPerformed() {
        try (MappedHeap heap = newHeap()) {
            byte[] big = new byte[2 << 20]; // larger than the heap: offset + length wraps past Long.MAX_VALUE
            assertThatThrownBy(() -> heap.read(Long.MAX_VALUE, big, 0, big.length))
                    .isInstanceOf(InvalidOffsetException.class);
            assertThatThrownBy(() -> heap.write(Long.MAX_VALUE - 7, big, 0, big.length))
                    .isInstanceOf(InvalidOffsetException.class);
            assertThatThrownBy(() -> heap.readLong(Long.MAX_VALUE)).isInstanceOf(InvalidOffsetException.class);
            assertThat(heap.check().ok()).isTrue();
        }
    }

    @Test
    void doubleFreeIsRefusedEvenWhenUserDataRecreatesTheOldHeadWord() {
        try (MappedHeap heap = newHeap()) {
            long p = heap.allocate(48);
            long b = heap.allocate(48);
            long guard = heap.allocate(48);
            heap.free(p);
            heap.free(b); // b merges into p: its old head is buried inside the merged free block
            long a = heap.allocate(112); // takes exactly the merged block
            assertThat(a).isEqualTo(p);
            long oldHeadOfB = b - 16;
            heap.writeLong(oldHeadOfB, 64 | 2 | 1); // user data that happens to equal b's old head word
            HeapStats before = heap.stats();
            assertThatThrownBy(() -> heap.free(b)).isInstanceOf(InvalidOffsetException.class);
            assertThat(heap.stats()).isEqualTo(before);
            assertThat(heap.check().ok()).isTrue();
            long c = heap.allocate(48);
            assertThat(c + heap.usableSize(c) <= a || c >= a + heap.usableSize(a))
                    .as("a new block must not overlap the live block a").isTrue();
            heap.free(guard);
            assertThat(heap.check().ok()).isTrue();
        }
    }

    @Test
    void rawAccessBelowTheFirstBlockCannotReachTheHeaderOrJournal() {
        Path file = dir.resolve("h.heap");
        try (MappedHeap heap = newHeap()) {
            long root = heap.root(); // 0: no root yet
            assertThatThrownBy(() -> heap.writeLong(root + 8, 42)).isInstanceOf(InvalidOffsetException.class)
                    .hasMessageContaining("heapStart");
            assertThatThrownBy(() -> heap.readLong(0)).isInstanceOf(InvalidOffsetException.class);
            assertThatThrownBy(() -> heap.write(4096, new byte[8], 0, 8)).isInstanceOf(InvalidOffsetException.class);
            assertThatThrownBy(() -> heap.readByte(8191)).isInstanceOf(InvalidOffsetException.class);
        }
        try (MappedHeap reopened = MappedHeap.open(file)) {
            assertThat(reopened.check().ok()).isTrue();
        }
    }

    @Test
    void refusedOperationsLeaveEveryByteOfTheFileAsItWas() throws IOException {
        Path file = dir.resolve("h.heap");
        try (MappedHeap heap = newHeap()) {
            long block = heap.allocate(100);
            heap.free(block);
            byte[] before = Files.readAllBytes(file); // the mapping and the file share the page cache
            assertThatThrownBy(() -> heap.free(block)).isInstanceOf(InvalidOffsetException.class);
            assertThatThrownBy(() -> heap.reallocate(block + 16, 10)).isInstanceOf(InvalidOffsetException.class);
            assertThatThrownBy(() -> heap.setRoot(12)).isInstanceOf(InvalidOffsetException.class);
            assertThat(Files.readAllBytes(file)).as("not even the commit word may change").isEqualTo(before);
        }
    }

    @Test
    void createPublishesTheHeapUnderItsNameAndLeavesNoTemporaryName() throws IOException {
        Path file = dir.resolve("h.heap");
        try (MappedHeap heap = newHeap()) {
            heap.setRoot(heap.allocate(10));
        }
        try (var names = Files.list(dir)) {
            assertThat(names.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("h.heap", "h.heap.lock");
        }
        Files.writeString(dir.resolve("other"), "not a heap");
        assertThatThrownBy(() -> MappedHeap.create(dir.resolve("other"), HeapOptions.defaults()))
                .isInstanceOf(HeapException.class).hasCauseInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        try (var names = Files.list(dir)) {
            assertThat(names.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("h.heap", "h.heap.lock", "other");
        }
        assertThat(Files.readString(dir.resolve("other"))).isEqualTo("not a heap");
        try (MappedHeap heap = MappedHeap.open(file)) {
            assertThat(heap.root()).isNotZero();
        }
    }
}
