package dev.mappedheap.structs.roots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.IncompatibleFormatException;
import dev.mappedheap.allocator.MappedHeap;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The named-roots directory against a {@link LinkedHashMap} model, across reopen, plus its refusals. */
class NamedRootsTest {
    private static final long SEED = Long.getLong("mappedheap.roots.seed", 7);

    @TempDir Path dir;

    @Test
    void behavesLikeAMapAcrossReopen() {
        Path file = dir.resolve("roots.heap");
        Map<String, Long> model = new LinkedHashMap<>();
        Random random = new Random(SEED);
        MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults());
        try {
            for (int step = 0; step < 3000; step++) {
                if (step % 500 == 499) {
                    heap.close();
                    heap = MappedHeap.open(file);
                }
                NamedRoots roots = NamedRoots.open(heap);
                String name = "folder/" + random.nextInt(80) + (random.nextBoolean() ? "/ünïcödé" : "");
                int action = random.nextInt(3);
                String at = "seed " + SEED + " step " + step + " (replay: -Dmappedheap.roots.seed=" + SEED + ")";
                if (action == 0) {
                    if (model.size() < NamedRoots.DEFAULT_CAPACITY || model.containsKey(name)) {
                        long offset = 4096L * step;
                        roots.put(name, offset);
                        model.put(name, offset);
                    } else {
                        assertThatThrownBy(() -> roots.put(name, 1)).as(at).isInstanceOf(HeapException.class)
                                .hasMessageContaining("full");
                    }
                } else if (action == 1) {
                    Long expected = model.remove(name);
                    assertThat(roots.remove(name)).as(at)
                            .isEqualTo(expected == null ? OptionalLong.empty() : OptionalLong.of(expected));
                } else {
                    Long expected = model.get(name);
                    assertThat(roots.get(name)).as(at)
                            .isEqualTo(expected == null ? OptionalLong.empty() : OptionalLong.of(expected));
                }
                assertThat(roots.names()).as(at).containsExactlyInAnyOrderElementsOf(model.keySet());
            }
            assertThat(heap.check().ok()).isTrue();
        } finally {
            heap.close();
        }
    }

    @Test
    void refusesARootThatIsNotADirectoryAndBadNames() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("other.heap"), HeapOptions.defaults())) {
            long block = heap.allocate(100);
            heap.writeLong(block, 42);
            heap.setRoot(block);
            assertThatThrownBy(() -> NamedRoots.open(heap)).isInstanceOf(IncompatibleFormatException.class)
                    .hasMessageContaining("not a named-roots directory");
            heap.setRoot(0);
            NamedRoots roots = NamedRoots.open(heap);
            assertThat(NamedRoots.open(heap).offset()).as("opened again, not created twice").isEqualTo(roots.offset());
            assertThatThrownBy(() -> roots.put("", 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> roots.put("x".repeat(56), 1)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
