package dev.mappedheap.structs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Views touch their record's memory directly once wrapped. The heap's file must never be unmapped under them:
 * a view kept past its heap's close, or across growth, reads and writes memory that exists.
 */
class ClosedHeapViewTest {
    static final StructLayout POINT = StructLayout.builder("Point", 1).int64("x").int32("y").build();
    static final LongField X = POINT.field("x", LongField.class);
    static final IntField Y = POINT.field("y", IntField.class);

    @TempDir Path dir;

    @Test
    void aViewKeepsWorkingWhileOtherAllocationsGrowTheFileManyTimes() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults()
                .initialSize(64 << 10).growthIncrement(64 << 10))) {
            StructView view = POINT.newView(heap).wrap(POINT.allocate(heap));
            X.set(view, 41);
            for (int i = 0; i < 200; i++) {
                heap.allocate(16 << 10); // 3 MiB in all: the file grows about 50 times
                X.set(view, X.get(view) + 1);
            }
            assertThat(X.get(view)).isEqualTo(241);
            assertThat(heap.readLong(view.offset() + X.offset())).as("the same bytes as the heap's").isEqualTo(241);
        }
    }

    @Test
    void aViewOfAClosedHeapNeverFaultsAndCannotBeWrappedAgain() {
        MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults());
        long point = POINT.allocate(heap);
        StructView view = POINT.newView(heap).wrap(point);
        X.set(view, 7);
        heap.close();
        // the mapping was replaced by scratch pages, not unmapped: no SIGSEGV, whatever the view does now
        X.set(view, 8);
        Y.get(view);
        assertThatThrownBy(() -> view.wrap(point)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(view.isWrapped()).isFalse();
        try (MappedHeap again = MappedHeap.open(dir.resolve("h.heap"))) {
            assertThat(X.get(POINT.newView(again).wrap(point))).as("the write after close went nowhere").isEqualTo(7);
        }
    }
}
