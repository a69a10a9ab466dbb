package dev.mappedheap.structs;

import static dev.mappedheap.structs.StructTestSupport.assertConsistent;
import static dev.mappedheap.structs.StructTestSupport.liveBlocks;
import static dev.mappedheap.structs.StructTestSupport.newHeap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.MappedHeap;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example of the package documentation, as written there, does what the documentation says. */
class PackageExampleTest {
    static final StructLayout ENVELOPE = StructLayout.builder("Envelope", 2)
            .int64("uid")
            .int32("flags")
            .string("subject")
            .bytes("digest", 16)
            .ref("next")
            .since(2)
            .float64("score")
            .build();
    static final LongField UID = ENVELOPE.field("uid", LongField.class);
    static final IntField FLAGS = ENVELOPE.field("flags", IntField.class);
    static final StringField SUBJECT = ENVELOPE.field("subject", StringField.class);
    static final RefField NEXT = ENVELOPE.field("next", RefField.class);
    static final DoubleField SCORE = ENVELOPE.field("score", DoubleField.class);

    @Test
    void theDocumentedExampleWorksAsDescribed(@TempDir Path dir) {
        try (MappedHeap heap = newHeap(dir)) {
            long baseline = liveBlocks(heap);
            long offset = ENVELOPE.allocate(heap);
            StructView env = ENVELOPE.newView(heap);
            env.wrap(offset);
            UID.set(env, 42);
            SUBJECT.set(env, "Foo");
            long fooBlock = heap.readLong(offset + SUBJECT.offset());
            SUBJECT.set(env, "Foobar");
            assertThat(heap.readLong(offset + SUBJECT.offset())).as("rewritten in place").isEqualTo(fooBlock);
            long uid = UID.get(env);
            boolean same = SUBJECT.contentEquals(env, "Foobar");
            heap.setRoot(offset);

            assertThat(uid).isEqualTo(42);
            assertThat(same).isTrue();
            assertThat(FLAGS.get(env)).isZero();
            assertThat(NEXT.get(env)).isZero();
            assertThat(SCORE.get(env)).isZero();
            assertThat(ENVELOPE.newView(heap).wrap(heap.root()).offset()).isEqualTo(offset);

            heap.setRoot(0);
            ENVELOPE.free(heap, offset);
            assertThat(liveBlocks(heap)).as("the subject's block went with the struct").isEqualTo(baseline);
            assertConsistent(heap);
        }
    }
}
