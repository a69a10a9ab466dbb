// Benchmark layer: workload W3 records-grow, one benchmark method per timed phase.
package dev.mappedheap.jmh.alloc;

import static dev.mappedheap.jmh.alloc.Workloads.W3_RECORDS;
import static dev.mappedheap.jmh.alloc.Workloads.W3_STEPS;

import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * W3 records-grow: 200,000 records of 100..399 bytes, then 1,000,000 steps that each grow a random record to
 * {@code min(old * 3 / 2 + 8, 4096)} bytes keeping its contents. The live set ends near 405 MiB.
 *
 * <ul>
 *   <li>{@link #w3Step}: the steps with the allocator's own grow, {@link AllocatorUnderTest#reallocate}
 *       (in place when it can; the native harness's {@code w3n}), after an untimed fill (ns per step);
 *   <li>{@link #w3StepCopy}: the spec's plain step, allocate the new size, copy the old bytes, free the old
 *       block (the native harness's {@code w3}) (ns per step);
 *   <li>{@link #w3Fill}: the 200,000-record fill on an empty heap (ns per allocation).
 * </ul>
 *
 * <p>Untimed after each invocation: every record must hold its index, and after the steps the live requested
 * bytes must be 424,874,254; the space figures after the steps are printed once per trial ({@code # SPACE}).
 */
public abstract class W3RecordsGrow extends AllocatorWorkload {
    private final long[] h = new long[W3_RECORDS];
    private final int[] sz = new int[W3_RECORDS];

    /**
     * Brings a fresh allocator to the state the measured phase starts from.
     *
     * @throws IOException if the allocator cannot be opened
     */
    @Setup(Level.Invocation)
    public void prepare() throws IOException {
        openFresh();
        switch (phase) {
            case "w3Fill":
                break;
            case "w3Step":
            case "w3StepCopy":
                Workloads.w3Fill(allocator, rng, h, sz);
                Workloads.verifyIndexes("W3 fill", allocator, h, W3_RECORDS);
                break;
            default:
                throw unknownPhase();
        }
    }

    /**
     * Verifies every record (and the live bytes after the steps), records the space figures and closes the
     * allocator.
     *
     * @throws IOException if the heap's file cannot be removed
     */
    @TearDown(Level.Invocation)
    public void finish() throws IOException {
        try {
            Workloads.verifyIndexes("W3 " + phase, allocator, h, W3_RECORDS);
            if (!"w3Fill".equals(phase)) {
                long live = Workloads.liveBytes(sz);
                Workloads.check("W3 live requested bytes", Workloads.W3_LIVE_BYTES, live);
                recordSpace(live);
            }
        } finally {
            closeAllocator(h, W3_RECORDS);
        }
    }

    /** @return the last handle; timed: 200,000 × (allocate 100..399 B, write the index) on an empty heap */
    @Benchmark
    @OperationsPerInvocation(W3_RECORDS)
    public long w3Fill() {
        return Workloads.w3Fill(allocator, rng, h, sz);
    }

    /** @return the last handle; timed: 1,000,000 × grow a random record with {@code reallocate} */
    @Benchmark
    @OperationsPerInvocation(W3_STEPS)
    public long w3Step() {
        return Workloads.w3StepsReallocate(allocator, rng, h, sz);
    }

    /** @return the last handle; timed: 1,000,000 × (allocate the grown size, copy the old bytes, free old) */
    @Benchmark
    @OperationsPerInvocation(W3_STEPS)
    public long w3StepCopy() {
        return Workloads.w3StepsCopy(allocator, rng, h, sz);
    }
}
