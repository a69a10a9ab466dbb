package dev.mappedheap.structs;

import static dev.mappedheap.structs.StructTestSupport.ALL_KINDS;
import static dev.mappedheap.structs.StructTestSupport.newHeap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.MappedHeap;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field access, wrapping and the allocation-free string reads allocate nothing: the bytes this thread
 * allocates ({@code com.sun.management.ThreadMXBean}) around a million calls, after a warm-up, stay within a
 * small constant for the measuring itself.
 */
class FieldAccessAllocationTest {
    /** What reading the counter twice may cost, with room to spare; a single boxed value per call would be 16 MB. */
    private static final long SLACK_BYTES = 512;
    private static final int CALLS = 1_000_000;

    static final LongField L = ALL_KINDS.field("l", LongField.class);
    static final IntField I = ALL_KINDS.field("i", IntField.class);
    static final ShortField S = ALL_KINDS.field("s", ShortField.class);
    static final CharField C = ALL_KINDS.field("c", CharField.class);
    static final ByteField B = ALL_KINDS.field("b", ByteField.class);
    static final BooleanField Z = ALL_KINDS.field("z", BooleanField.class);
    static final FloatField F = ALL_KINDS.field("f", FloatField.class);
    static final DoubleField D = ALL_KINDS.field("d", DoubleField.class);
    static final FixedBytesField RAW = ALL_KINDS.field("raw", FixedBytesField.class);
    static final RefField NEXT = ALL_KINDS.field("next", RefField.class);
    static final StringField NAME = ALL_KINDS.field("name", StringField.class);

    /** Keeps results alive so the JIT cannot drop the calls. */
    static volatile long sink;
    static final List<byte[]> KEPT = new ArrayList<>();

    @TempDir
    Path dir;
    MappedHeap heap;
    StructView[] views;
    com.sun.management.ThreadMXBean threads;

    @BeforeEach
    void setUp() {
        threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).as("this JVM must measure allocation").isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);
        heap = newHeap(dir);
        views = new StructView[8];
        for (int k = 0; k < views.length; k++) {
            views[k] = ALL_KINDS.newView(heap).wrap(ALL_KINDS.allocate(heap));
            NAME.set(views[k], "name " + k);
        }
    }

    @AfterEach
    void close() {
        KEPT.clear();
        heap.close();
    }

    @Test
    void theMeterSeesAllocation() {
        long bytes = allocatedBy(() -> {
            for (int k = 0; k < 1000; k++) {
                KEPT.add(new byte[100]);
            }
        });
        assertThat(bytes).isGreaterThanOrEqualTo(100_000);
    }

    @Test
    void primitiveFieldGetAndSetAllocateNothing() {
        for (int warmUp = 0; warmUp < 3; warmUp++) {
            primitiveCalls();
        }
        assertThat(allocatedBy(this::primitiveCalls)).isLessThanOrEqualTo(SLACK_BYTES);
    }

    @Test
    void wrapAndTheAllocationFreeStringReadsAllocateNothing() {
        byte[] into = new byte[64];
        byte[] utf8 = "name 3".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Runnable calls = () -> {
            long sum = 0;
            for (int n = 0; n < CALLS / 10; n++) {
                StructView view = views[n & 7];
                view.wrap(view.offset());
                sum += NAME.length(view);
                sum += NAME.copyTo(view, into, 0);
                sum += NAME.contentEquals(view, "name 3") ? 1 : 0;
                sum += NAME.equalsUtf8(view, utf8) ? 1 : 0;
            }
            sink = sum;
        };
        for (int warmUp = 0; warmUp < 3; warmUp++) {
            calls.run();
        }
        assertThat(allocatedBy(calls)).isLessThanOrEqualTo(SLACK_BYTES);
        assertThat(sink).as("the loop ran and compared").isEqualTo(CALLS / 10 * (6 + 6) + 2 * (CALLS / 10 / 8));
    }

    /** A million field calls over every primitive kind: half sets, half gets. */
    private void primitiveCalls() {
        long sum = 0;
        for (int n = 0; n < CALLS / 20; n++) {
            StructView view = views[n & 7];
            L.set(view, n);
            sum += L.get(view);
            I.set(view, n);
            sum += I.get(view);
            S.set(view, (short) n);
            sum += S.get(view);
            C.set(view, (char) n);
            sum += C.get(view);
            B.set(view, (byte) n);
            sum += B.get(view);
            Z.set(view, (n & 1) != 0);
            sum += Z.get(view) ? 1 : 0;
            F.set(view, n);
            sum += (long) F.get(view);
            D.set(view, n);
            sum += (long) D.get(view);
            RAW.setByte(view, n % 5, (byte) n);
            sum += RAW.getByte(view, n % 5);
            NEXT.set(view, n);
            sum += NEXT.get(view);
        }
        sink = sum;
    }

    private long allocatedBy(Runnable work) {
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
