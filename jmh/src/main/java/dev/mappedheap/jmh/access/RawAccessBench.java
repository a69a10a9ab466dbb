// Benchmark layer: the cost of MappedHeap's bounds-checked raw access against Chronicle's unchecked access.
package dev.mappedheap.jmh.access;

import dev.mappedheap.jmh.ForkedWithHeapFlags;
import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link MappedHeap#readLong}/{@link MappedHeap#writeLong}, which check every offset against the mapped file,
 * against the unchecked accessors of a Chronicle {@link BytesStore} over a mapped file of the same size
 * ({@code MappedBytes.singleMappedBytes(...).bytesStore()}: {@code readLong} there is an address plus an offset,
 * with only Java asserts). Each invocation reads (or writes) the 1,024 words of one 8 KiB block, at an offset
 * that moves through the file so the JIT cannot fold the addresses; the score is ns per word.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RawAccessBench extends ForkedWithHeapFlags {
    private static final int WORDS = 1024;
    private static final int BLOCK = WORDS * 8;
    private static final int BLOCKS = 1024;

    private Path dir;
    private MappedHeap heap;
    private long[] heapBlocks;
    private MappedBytes chronicle;
    private BytesStore<?, ?> store;
    private long[] storeBlocks;
    private int next;

    /** Creates the heap with its blocks and the Chronicle file, both 8 MiB of data, written once. */
    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("raw-access");
        heap = MappedHeap.create(dir.resolve("heap"), HeapOptions.defaults().initialSize(16 << 20));
        heapBlocks = new long[BLOCKS];
        storeBlocks = new long[BLOCKS];
        chronicle = MappedBytes.singleMappedBytes(new File(dir.toFile(), "chronicle"), 16 << 20);
        chronicle.singleThreadedCheckDisabled(true);
        store = chronicle.bytesStore();
        for (int b = 0; b < BLOCKS; b++) {
            heapBlocks[b] = heap.allocate(BLOCK);
            storeBlocks[b] = (long) b * BLOCK;
            for (int w = 0; w < WORDS; w++) {
                heap.writeLong(heapBlocks[b] + 8L * w, w);
                store.writeLong(storeBlocks[b] + 8L * w, w);
            }
        }
    }

    /** Unmaps both files and deletes them. */
    @TearDown
    public void tearDown() throws IOException {
        heap.close();
        chronicle.releaseLast();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private int nextBlock() {
        next = (next + 1) & (BLOCKS - 1);
        return next;
    }

    /** @return the sum of one block's words, read through MappedHeap */
    @Benchmark
    @OperationsPerInvocation(WORDS)
    public long heapReadLong() {
        long base = heapBlocks[nextBlock()];
        long sum = 0;
        for (int w = 0; w < WORDS; w++) {
            sum += heap.readLong(base + 8L * w);
        }
        return sum;
    }

    /** @return the sum of one block's words, read through Chronicle's unchecked BytesStore */
    @Benchmark
    @OperationsPerInvocation(WORDS)
    public long chronicleReadLong() {
        long base = storeBlocks[nextBlock()];
        long sum = 0;
        for (int w = 0; w < WORDS; w++) {
            sum += store.readLong(base + 8L * w);
        }
        return sum;
    }

    /** Writes one block's words through MappedHeap. @return the block written */
    @Benchmark
    @OperationsPerInvocation(WORDS)
    public long heapWriteLong() {
        long base = heapBlocks[nextBlock()];
        for (int w = 0; w < WORDS; w++) {
            heap.writeLong(base + 8L * w, w + base);
        }
        return base;
    }

    /** Writes one block's words through Chronicle's unchecked BytesStore. @return the block written */
    @Benchmark
    @OperationsPerInvocation(WORDS)
    public long chronicleWriteLong() {
        long base = storeBlocks[nextBlock()];
        for (int w = 0; w < WORDS; w++) {
            store.writeLong(base + 8L * w, w + base);
        }
        return base;
    }
}
