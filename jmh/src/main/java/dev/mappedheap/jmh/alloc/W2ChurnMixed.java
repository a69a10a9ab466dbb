// Benchmark layer: workload W2 churn-mixed, one benchmark method per timed phase.
package dev.mappedheap.jmh.alloc;

import static dev.mappedheap.jmh.alloc.Workloads.W2_SLOTS;
import static dev.mappedheap.jmh.alloc.Workloads.W2_STEPS;

import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * W2 churn-mixed: a live set of 100,000 blocks of 9..4096 bytes, then 5,000,000 steps that each free a random
 * slot's block and allocate a new random size into it (writing the slot number into it).
 *
 * <ul>
 *   <li>{@link #w2Step}: the 5,000,000 steps after an untimed fill (ns per step = one free plus one
 *       allocation). The main W2 figure.
 *   <li>{@link #w2Fill}: the 100,000-block fill on an empty heap (ns per allocation), the native harness's
 *       {@code fill_ns}.
 * </ul>
 *
 * <p>Untimed after each invocation: every block must hold its slot number, and after the steps the live
 * requested bytes must be 68,382,140. The space figures after the steps (live requested bytes against the
 * bytes the heap occupies, for MappedHeap {@code HeapStats.extentBytes()}) are printed once per trial as a line
 * starting {@code # SPACE}.
 */
public abstract class W2ChurnMixed extends AllocatorWorkload {
    private final long[] h = new long[W2_SLOTS];
    private final int[] sz = new int[W2_SLOTS];

    /**
     * Brings a fresh allocator to the state the measured phase starts from.
     *
     * @throws IOException if the allocator cannot be opened
     */
    @Setup(Level.Invocation)
    public void prepare() throws IOException {
        openFresh();
        switch (phase) {
            case "w2Fill":
                break;
            case "w2Step":
                Workloads.w2Fill(allocator, rng, h, sz);
                Workloads.verifyIndexes("W2 fill", allocator, h, W2_SLOTS);
                break;
            default:
                throw unknownPhase();
        }
    }

    /**
     * Verifies every slot (and the live bytes after the steps), records the space figures and closes the
     * allocator.
     *
     * @throws IOException if the heap's file cannot be removed
     */
    @TearDown(Level.Invocation)
    public void finish() throws IOException {
        try {
            Workloads.verifyIndexes("W2 " + phase, allocator, h, W2_SLOTS);
            if ("w2Step".equals(phase)) {
                long live = Workloads.liveBytes(sz);
                Workloads.check("W2 live requested bytes", Workloads.W2_LIVE_BYTES, live);
                recordSpace(live);
            }
        } finally {
            closeAllocator(h, W2_SLOTS);
        }
    }

    /** @return the last handle; timed: 100,000 × (allocate 9..4096 B, write the slot) on an empty heap */
    @Benchmark
    @OperationsPerInvocation(W2_SLOTS)
    public long w2Fill() {
        return Workloads.w2Fill(allocator, rng, h, sz);
    }

    /** @return the last handle; timed: 5,000,000 × (free a random slot, allocate 9..4096 B into it, write) */
    @Benchmark
    @OperationsPerInvocation(W2_STEPS)
    public long w2Step() {
        return Workloads.w2Steps(allocator, rng, h, sz);
    }
}
