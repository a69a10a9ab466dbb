package dev.mappedheap.structs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.log.HeapLog;
import dev.mappedheap.structs.map.OrderedLongMap;
import dev.mappedheap.structs.map.SharedLongMap;
import dev.mappedheap.structs.roots.NamedRoots;
import dev.mappedheap.structs.tree.NodeTree;
import dev.mappedheap.structs.tx.Transactions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every container opened at an offset that holds another kind of container (or a struct, or random bytes, or
 * zeros) refuses with a {@link HeapException} naming the mismatch, and never opens it as if it were its own.
 */
class CrossContainerMismatchTest {
    static final StructLayout RECORD = StructLayout.builder("Record", 1).int64("a").string("b").build();
    static final StructLayout OTHER_RECORD = StructLayout.builder("Other", 1).int64("a").string("b").build();

    @TempDir Path dir;

    @Test
    void everyOpenerRefusesEveryOtherKindOfBlock() {
        try (MappedHeap heap = MappedHeap.create(dir.resolve("h.heap"), HeapOptions.defaults())) {
            Transactions transactions = Transactions.create(heap, 4);
            Map<String, Long> blocks = new LinkedHashMap<>();
            blocks.put("transaction table", transactions.offset());
            blocks.put("map", OrderedLongMap.create(heap, 8).headerOffset());
            blocks.put("struct", RECORD.allocate(heap));
            blocks.put("log", HeapLog.create(heap, 4096, 4).offset());
            blocks.put("node tree", NodeTree.create(transactions, "doc").headerOffset());
            NamedRoots roots = NamedRoots.open(heap);
            blocks.put("named roots", roots.offset());
            long random = heap.allocate(4096);
            SplittableRandom bytes = new SplittableRandom(5);
            for (long at = random; at < random + 4096; at += 8) {
                heap.writeLong(at, bytes.nextLong());
            }
            blocks.put("random bytes", random);
            long zeros = heap.allocate(4096);
            for (long at = zeros; at < zeros + 4096; at += 8) {
                heap.writeLong(at, 0);
            }
            blocks.put("zeros", zeros);

            Map<String, BiConsumer<MappedHeap, Long>> openers = new LinkedHashMap<>();
            openers.put("transaction table", (h, at) -> Transactions.open(h, at));
            openers.put("map", (h, at) -> OrderedLongMap.open(h, at));
            openers.put("shared map", (h, at) -> SharedLongMap.open(transactions, at));
            openers.put("log", (h, at) -> HeapLog.open(h, at));
            openers.put("node tree", (h, at) -> NodeTree.open(transactions, at));
            openers.put("struct", (h, at) -> RECORD.newView(h).wrap(at));
            openers.put("other struct", (h, at) -> OTHER_RECORD.newView(h).wrap(at));
            openers.put("named roots", (h, at) -> {
                h.setRoot(at);
                NamedRoots.open(h);
            });

            int refusals = 0;
            for (var opener : openers.entrySet()) {
                for (var block : blocks.entrySet()) {
                    boolean own = block.getKey().equals(opener.getKey().replace("shared ", ""));
                    if (own) {
                        assertThatCode(() -> opener.getValue().accept(heap, block.getValue()))
                                .as("%s opens its own kind", opener.getKey()).doesNotThrowAnyException();
                    } else {
                        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                                () -> opener.getValue().accept(heap, block.getValue()));
                        assertThat(thrown).as("%s opened at a %s", opener.getKey(), block.getKey())
                                .isInstanceOf(HeapException.class);
                        assertThat(thrown.getMessage()).as("names the offset").contains("" + block.getValue());
                        refusals++;
                    }
                }
            }
            assertThat(refusals).isEqualTo(openers.size() * blocks.size() - 7);
            heap.setRoot(roots.offset());
            assertThat(heap.check().ok()).isTrue();
        }
    }
}
