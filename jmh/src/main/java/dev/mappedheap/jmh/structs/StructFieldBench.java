// Benchmark layer: the cost of a struct field access against the raw heap access it is built on.
package dev.mappedheap.jmh.structs;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.jmh.ForkedWithHeapFlags;
import dev.mappedheap.structs.IntField;
import dev.mappedheap.structs.LongField;
import dev.mappedheap.structs.StructLayout;
import dev.mappedheap.structs.StructView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * A long and an int field read and written through {@link StructView}s and their field handles, against
 * {@link MappedHeap#readLong}/{@link MappedHeap#writeLong} (and the int pair) at the same offsets. Each
 * invocation touches one field of each of 1,024 structs; the score is ns per access. The views, one per
 * struct, are wrapped once in the setup, as a flyweight held across many accesses is.
 *
 * <p>Three more show where the time goes. {@code rawReadLongPerStructObject} and
 * {@code rawWriteLongPerStructObject} are raw accesses with the heap and offset taken from a small object per
 * struct, as a view holds them, without the view's check: the raw loop reads the heap's mapping once for the
 * whole loop, a loop over objects must follow each object's heap reference. {@code wrapThenGetLong} re-points one view at each struct before reading it: the cost of a
 * wrap (a {@code usableSize} check under the heap's lock).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StructFieldBench extends ForkedWithHeapFlags {
    private static final int STRUCTS = 1024;
    private static final StructLayout RECORD = StructLayout.builder("BenchRecord", 1)
            .int64("uid").int32("flags").string("name").build();
    private static final LongField UID = RECORD.field("uid", LongField.class);
    private static final IntField FLAGS = RECORD.field("flags", IntField.class);
    private static final long UID_OFFSET = UID.offset();
    private static final long FLAGS_OFFSET = FLAGS.offset();

    private Path dir;
    private MappedHeap heap;
    private long[] offsets;
    private StructView[] views;
    private StructView cursor;
    private HeapAndOffset[] plainObjects;
    private long round;

    /** What a view holds for one struct, minus its layout and size: for the per-struct-object baseline. */
    private static final class HeapAndOffset {
        final MappedHeap heap;
        final long offset;

        HeapAndOffset(MappedHeap heap, long offset) {
            this.heap = heap;
            this.offset = offset;
        }
    }

    /** Allocates the structs, each with its own view, and fills the fields. */
    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("struct-field");
        heap = MappedHeap.create(dir.resolve("heap"), HeapOptions.defaults().initialSize(4 << 20));
        offsets = new long[STRUCTS];
        views = new StructView[STRUCTS];
        plainObjects = new HeapAndOffset[STRUCTS];
        for (int k = 0; k < STRUCTS; k++) {
            offsets[k] = RECORD.allocate(heap);
            plainObjects[k] = new HeapAndOffset(heap, offsets[k]);
            views[k] = RECORD.newView(heap).wrap(offsets[k]);
            UID.set(views[k], k);
            FLAGS.set(views[k], k);
        }
        cursor = RECORD.newView(heap);
    }

    /** Unmaps and deletes the heap file. */
    @TearDown
    public void tearDown() throws IOException {
        heap.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** @return the sum of every struct's long, read raw */
    @Benchmark
    @OperationsPerInvocation(STRUCTS)
    public long rawReadLong() {
        long sum = 0;
        for (int k = 0; k < STRUCTS; k++) {
            sum += heap.readLong(offsets[k] + UID_OFFSET);
        }
        return sum;
    }

    /** @return the sum of every struct's long, read raw with the heap and offset taken from a per-struct object */
    @Benchmark
    @OperationsPerInvocation(STRUCTS)
    public long rawReadLongPerStructObject() {
        long sum = 0;
        for (int k = 0; k < STRUCTS; k++) {
            HeapAndOffset struct = plainObjects[k];
            sum += struct.heap.readLong(struct.offset + UID_OFFSET);
        }
        return sum;
    }

    /** @return the sum of every struct's long, read through its view */
    @Benchmark
    @OperationsPerInvocation(STRUCTS)
    public long viewGetLong() {
        long sum = 0;
        for (int k = 0; k < STRUCTS; k++) {
            sum += UID.get(views[k]);
        }
        return sum;
    }

    /** @return the sum of every struct's int, read raw */
    @Benchmark
    @OperationsPerInvocation(STRUCTS)
    public long rawReadInt() {
        long sum = 0;
        for (int k = 0; k < STRUCTS; k++) {
            sum += heap.readInt(offsets[k] + FLAGS_OFFSET);
        }
        return sum;
    }

    /** @return the sum of every struct's int, read through its view */
    @Benchmark
    @OperationsPerInvocation(STRUCTS)
    public long viewGetInt() {
        long sum = 0;
        for (int k = 0; k < STRUCTS; k++) {
            sum += FLAGS.get(views[k]);
        }
        return sum;
    }

    /** Writes every struct's long raw. @return the value base written */
    @Benchmark
    @OperationsPerInvocation(STRUCTS)
    public long rawWriteLong() {
        long base = ++round;
        for (int k = 0; k < STRUCTS; k++) {
            heap.writeLong(offsets[k] + UID_OFFSET, base + k);
        }
        return base;
    }

    /** Writes every struct's long raw, with the heap and offset taken from a per-struct object. @return the base */
    @Benchmark
    @OperationsPerInvocation(STRUCTS)
    public long rawWriteLongPerStructObject() {
        long base = ++round;
        for (int k = 0; k < STRUCTS; k++) {
            HeapAndOffset struct = plainObjects[k];
            struct.heap.writeLong(struct.offset + UID_OFFSET, base + k);
        }
        return base;
    }

    /** Writes every struct's long through its view. @return the value base written */
    @Benchmark
    @OperationsPerInvocation(STRUCTS)
    public long viewSetLong() {
        long base = ++round;
        for (int k = 0; k < STRUCTS; k++) {
            UID.set(views[k], base + k);
        }
        return base;
    }

    /** Writes every struct's int raw. @return the value base written */
    @Benchmark
    @OperationsPerInvocation(STRUCTS)
    public long rawWriteInt() {
        int base = (int) ++round;
        for (int k = 0; k < STRUCTS; k++) {
            heap.writeInt(offsets[k] + FLAGS_OFFSET, base + k);
        }
        return base;
    }

    /** Writes every struct's int through its view. @return the value base written */
    @Benchmark
    @OperationsPerInvocation(STRUCTS)
    public long viewSetInt() {
        int base = (int) ++round;
        for (int k = 0; k < STRUCTS; k++) {
            FLAGS.set(views[k], base + k);
        }
        return base;
    }

    /** @return the sum of every struct's long, each read by wrapping one view at the struct first */
    @Benchmark
    @OperationsPerInvocation(STRUCTS)
    public long wrapThenGetLong() {
        long sum = 0;
        for (int k = 0; k < STRUCTS; k++) {
            sum += UID.get(cursor.wrap(offsets[k]));
        }
        return sum;
    }
}
