package dev.mappedheap.structs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.CheckReport;
import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import java.nio.file.Path;

/** Helpers shared by the structs tests: heaps in a temporary directory, reopening, the closing check. */
final class StructTestSupport {
    /** One layout with a field of every kind, in an order that needs padding. */
    static final StructLayout ALL_KINDS = StructLayout.builder("AllKinds", 1)
            .int8("b")
            .int64("l")
            .int16("s")
            .char16("c")
            .int32("i")
            .float32("f")
            .float64("d")
            .bool("z")
            .bytes("raw", 5)
            .ref("next")
            .string("name")
            .byteString("blob")
            .build();

    private StructTestSupport() {}

    static MappedHeap newHeap(Path dir) {
        return MappedHeap.create(dir.resolve("structs.heap"), HeapOptions.defaults().initialSize(1 << 20));
    }

    /** Closes {@code heap} and opens its file again, as a restarted program would. */
    static MappedHeap reopen(MappedHeap heap) {
        Path file = heap.file();
        heap.close();
        return MappedHeap.open(file);
    }

    /** The check every test that changes a heap ends with: {@link MappedHeap#check()} finds no problem. */
    static void assertConsistent(MappedHeap heap) {
        CheckReport report = heap.check();
        assertThat(report.ok()).as(report.toString()).isTrue();
    }

    static long liveBlocks(MappedHeap heap) {
        return heap.stats().liveBlocks();
    }

    /** Writes a struct header with a correct check word, as a layout other than the test's would have. */
    static void writeHeader(MappedHeap heap, long offset, int typeTag, int version, int size) {
        heap.writeInt(offset + StructHeaderLayout.TYPE_TAG_OFFSET, typeTag);
        heap.writeInt(offset + StructHeaderLayout.VERSION_OFFSET, version);
        heap.writeInt(offset + StructHeaderLayout.SIZE_OFFSET, size);
        heap.writeInt(offset + StructHeaderLayout.CHECK_OFFSET, StructHeaderLayout.checkWord(typeTag, version, size));
    }
}
