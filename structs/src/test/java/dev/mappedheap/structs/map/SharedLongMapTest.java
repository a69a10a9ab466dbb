package dev.mappedheap.structs.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.tx.Transaction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SharedLongMap} in one JVM: transactions over the map, the version readers check, threads at once. */
class SharedLongMapTest {
    @TempDir Path dir;

    private long version(PairedMap paired) {
        return paired.heap.readVolatileLong(paired.map.headerOffset() + MapHeaderLayout.MOD_COUNT_OFFSET);
    }

    @Test
    void pointOperationsMatchATreeMapAndEveryWriteMovesTheVersionOn() {
        PairedMap paired = PairedMap.create(dir.resolve("m.heap"), 256);
        SharedLongMap map = paired.map;
        TreeMap<Long, Long> model = new TreeMap<>();
        SplittableRandom random = new SplittableRandom(7);
        long version = version(paired);
        for (int i = 0; i < 3_000; i++) {
            long key = random.nextLong(2_000) - 1_000;
            if (random.nextInt(4) == 0) {
                assertThat(map.remove(key)).isEqualTo(model.remove(key) != null);
            } else {
                assertThat(map.put(key, i)).isEqualTo(model.put(key, (long) i) == null);
            }
            long now = version(paired);
            assertThat(now).as("even after every write, and higher").isEven().isGreaterThan(version);
            version = now;
        }
        assertThat(map.size()).isEqualTo(model.size());
        List<Long> keys = new ArrayList<>(model.keySet());
        for (int i = 0; i < keys.size(); i += 7) {
            long key = keys.get(i);
            assertThat(map.get(key, -1)).isEqualTo(model.get(key));
            assertThat(map.rank(key)).isEqualTo(i);
            assertThat(map.select(i)).isEqualTo(key);
        }
        assertThat(map.containsKey(5_000)).isFalse();
        assertThatThrownBy(() -> map.select(model.size())).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(map.check().ok()).isTrue();
        paired.heap.close();
    }

    @Test
    void anAbortedTransactionLeavesTheMapAsItWasAndLeaksNothing() {
        PairedMap paired = PairedMap.create(dir.resolve("m.heap"), 256);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 500; i++) {
            paired.step(random);
        }
        long size = paired.map.size();
        long blocks = paired.heap.stats().liveBlocks();
        long version = version(paired);
        try (Transaction tx = paired.transactions.begin()) {
            OrderedLongMap writable = paired.map.writable(tx);
            for (long key = 1; key < 2_000; key += 2) {
                writable.put(key * 1_000_003, key); // enough to split nodes all over the tree
            }
            assertThat(paired.map.writable(tx).size()).as("a second view in the same transaction")
                    .isEqualTo(size + 1_000);
            assertThat(paired.map.size()).as("this thread, the writer, reads its own changes").isEqualTo(size + 1_000);
            assertThat(version(paired)).as("odd while the writer works").isOdd();
            tx.abort();
        }
        assertThat(paired.map.size()).isEqualTo(size);
        assertThat(version(paired)).isEqualTo(version + 2);
        assertThat(paired.heap.stats().liveBlocks()).isEqualTo(blocks);
        assertThat(paired.map.check().ok()).isTrue();
        assertThat(paired.verifyOne(random)).isNull();
        paired.heap.close();
    }

    @Test
    void readersOnAnotherHeapInstanceNeverSeeAHalfDoneTransaction() throws Exception {
        Path file = dir.resolve("m.heap");
        PairedMap writerSide = PairedMap.create(file, 256);
        PairedMap readerSide = PairedMap.open(file);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> violation = new AtomicReference<>();
        AtomicLong reads = new AtomicLong();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            SplittableRandom random = new SplittableRandom(100 + r);
            Thread reader = new Thread(() -> {
                while (!stop.get()) {
                    String broken = readerSide.verifyOne(random);
                    if (broken != null) {
                        violation.compareAndSet(null, broken);
                    }
                    reads.incrementAndGet();
                }
            });
            reader.start();
            readers.add(reader);
        }
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 4_000; i++) {
            writerSide.step(random);
        }
        stop.set(true);
        for (Thread reader : readers) {
            reader.join(30_000);
            assertThat(reader.isAlive()).isFalse();
        }
        assertThat(violation.get()).isNull();
        assertThat(reads.get()).isPositive();
        assertThat(readerSide.map.check().ok()).isTrue();
        readerSide.heap.close();
        writerSide.heap.close();
    }

    @Test
    void aSecondTransactionOfTheSameThreadCannotShareTheMapsLock() {
        PairedMap paired = PairedMap.create(dir.resolve("m.heap"), 256);
        SharedLongMap map = paired.map;
        map.put(2, 20);
        try (Transaction outer = paired.transactions.begin()) {
            map.writable(outer).put(4, 40);
            // an inner transaction would commit changes the outer one's abort then undoes, or unlock the map
            // while the outer one still writes: refused, and the inner transaction leaves nothing behind
            assertThatThrownBy(() -> map.put(6, 60)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another transaction of this thread");
            assertThat(map.get(4, -1)).as("the writer reads its own change without waiting").isEqualTo(40);
            outer.abort();
        }
        assertThat(map.get(2, -1)).isEqualTo(20);
        assertThat(map.containsKey(4)).isFalse();
        assertThat(map.containsKey(6)).isFalse();
        assertThat(version(paired)).isEven();
        assertThat(map.put(6, 60)).as("the lock is free again").isTrue();
        assertThat(map.check().ok()).isTrue();
        paired.heap.close();
    }

    @Test
    void manyReadersWaitingForALongWriteTakeNoTransactionSlots() throws Exception {
        PairedMap paired = PairedMap.create(dir.resolve("m.heap"), 256); // 16 transaction slots
        SharedLongMap map = paired.map;
        map.put(1, 1);
        List<Thread> readers = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong answers = new AtomicLong();
        try (Transaction tx = paired.transactions.begin()) {
            map.writable(tx).put(2, 2);
            for (int i = 0; i < 24; i++) {
                Thread reader = new Thread(() -> {
                    try {
                        if (map.get(1, -1) == 1 && map.get(2, -1) == 2) {
                            answers.incrementAndGet(); // the committed state: the write is whole
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                reader.start();
                readers.add(reader);
            }
            Thread.sleep(500);
            assertThat(answers.get()).as("no reader saw the uncommitted write").isZero();
            tx.commit();
        }
        for (Thread reader : readers) {
            reader.join(30_000);
            assertThat(reader.isAlive()).isFalse();
        }
        assertThat(failure.get()).isNull();
        assertThat(answers.get()).isEqualTo(24);
        paired.heap.close();
    }

    @Test
    void openRefusesSomethingThatIsNotAMap() {
        PairedMap paired = PairedMap.create(dir.resolve("m.heap"), 256);
        MappedHeap heap = paired.heap;
        long notAMap = heap.allocate(256);
        assertThatThrownBy(() -> SharedLongMap.open(paired.transactions, notAMap))
                .isInstanceOf(MapFormatException.class);
        heap.close();
    }
}
