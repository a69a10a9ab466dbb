// Benchmark layer: workload W1 fixed-small, one benchmark method per timed phase.
package dev.mappedheap.jmh.alloc;

import static dev.mappedheap.jmh.alloc.Workloads.W1_BLOCKS;
import static dev.mappedheap.jmh.alloc.Workloads.W1_BLOCK_SIZE;

import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * W1 fixed-small: allocate 1,000,000 blocks of 64 bytes (writing each block's index into it), free them all in
 * shuffled order, allocate 1,000,000 × 64 B again. Three timed phases, each its own benchmark, each reported in
 * ns per operation:
 *
 * <ul>
 *   <li>{@link #w1Alloc}: the first allocation pass on an empty heap (ns per allocation, write included);
 *   <li>{@link #w1Free}: the frees, in shuffled order, after an untimed first pass and shuffle (ns per free);
 *   <li>{@link #w1ReuseAlloc}: the second allocation pass, after untimed first pass, shuffle and frees (ns per
 *       allocation).
 * </ul>
 *
 * <p>Untimed around them: after the first pass every block is checked to hold its index; after the shuffle the
 * block at position 0 must hold 992,795; after the reuse pass every block is checked again. A phase is about a
 * second or less, so W1 takes more single shots than W2 and W3.
 */
@Warmup(iterations = 5)
@Measurement(iterations = 10)
public abstract class W1FixedSmall extends AllocatorWorkload {
    private final long[] h = new long[W1_BLOCKS];

    /**
     * Brings a fresh allocator to the state the measured phase starts from.
     *
     * @throws IOException if the allocator cannot be opened
     */
    @Setup(Level.Invocation)
    public void prepare() throws IOException {
        openFresh();
        switch (phase) {
            case "w1Alloc":
                break;
            case "w1Free":
                firstPassAndShuffle();
                break;
            case "w1ReuseAlloc":
                firstPassAndShuffle();
                Workloads.w1FreePass(allocator, h);
                break;
            default:
                throw unknownPhase();
        }
    }

    private void firstPassAndShuffle() {
        Workloads.w1AllocPass(allocator, h);
        Workloads.verifyIndexes("W1 first pass", allocator, h, W1_BLOCKS);
        Workloads.w1Shuffle(rng, h);
        Workloads.check("W1 block at position 0 after the shuffle", Workloads.W1_FIRST_AFTER_SHUFFLE,
                allocator.readLong(h[0]));
    }

    /**
     * Verifies the blocks the measured phase left, records the space figures after the reuse pass and closes
     * the allocator.
     *
     * @throws IOException if the heap's file cannot be removed
     */
    @TearDown(Level.Invocation)
    public void finish() throws IOException {
        int live = "w1Free".equals(phase) ? 0 : W1_BLOCKS;
        try {
            switch (phase) {
                case "w1Alloc":
                    Workloads.verifyIndexes("W1 first pass", allocator, h, W1_BLOCKS);
                    break;
                case "w1ReuseAlloc":
                    Workloads.verifyIndexes("W1 reuse pass", allocator, h, W1_BLOCKS);
                    recordSpace((long) W1_BLOCK_SIZE * W1_BLOCKS);
                    break;
                default:
                    break;
            }
        } finally {
            closeAllocator(h, live);
        }
    }

    /** @return the last handle; timed: 1,000,000 × (allocate 64 B, write its index) on an empty heap */
    @Benchmark
    @OperationsPerInvocation(W1_BLOCKS)
    public long w1Alloc() {
        return Workloads.w1AllocPass(allocator, h);
    }

    /** @return the last handle freed; timed: 1,000,000 frees in shuffled order */
    @Benchmark
    @OperationsPerInvocation(W1_BLOCKS)
    public long w1Free() {
        return Workloads.w1FreePass(allocator, h);
    }

    /** @return the last handle; timed: 1,000,000 × (allocate 64 B, write its index) after the frees */
    @Benchmark
    @OperationsPerInvocation(W1_BLOCKS)
    public long w1ReuseAlloc() {
        return Workloads.w1AllocPass(allocator, h);
    }
}
