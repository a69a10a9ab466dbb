// Benchmark layer: the JMH settings and the per-trial life cycle shared by the allocator workloads W1-W3.
package dev.mappedheap.jmh.alloc;

import dev.mappedheap.jmh.ForkedWithHeapFlags;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Base of the allocator workload benchmarks. Like the native harness, each benchmark method times one whole
 * phase ({@link Mode#SingleShotTime}) and divides by the phase's operation count
 * ({@code @OperationsPerInvocation}), so JMH reports ns per operation. Every invocation gets a fresh allocator
 * from {@link #newFactory()} and a PRNG reset to {@link SplitMix64#SEED}; the subclass's
 * {@code @Setup(Level.Invocation)} then replays the untimed phases that come before the measured one, and its
 * {@code @TearDown(Level.Invocation)} verifies every block and the spec's check values.
 *
 * <p>One concrete subclass per workload and implementation ({@code MappedHeapBench.W1},
 * {@code UnsafeBench.W1}, ...). Each benchmark runs in its own forked JVM, in which only one
 * {@link AllocatorUnderTest} class is ever loaded, so the allocator calls in the measured loops are
 * monomorphic. With {@code -f 0} that no longer holds and the trial prints a warning.
 *
 * <p>The forks get the JVM flags Chronicle Bytes needs from {@link ForkedWithHeapFlags}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public abstract class AllocatorWorkload extends ForkedWithHeapFlags {
    /** Makes the allocators of this trial. */
    private AllocatorFactory factory;

    /** The allocator of the current invocation; {@code null} between invocations. */
    protected AllocatorUnderTest allocator;

    /** The workload's PRNG, reset to {@link SplitMix64#SEED} at the start of every invocation. */
    protected SplitMix64 rng;

    /** The name of the {@code @Benchmark} method this trial runs, e.g. {@code w1Free}: selects the setup. */
    protected String phase;

    private String spaceLine;

    /**
     * @return the factory for this trial's allocators
     * @throws IOException if it cannot prepare (e.g. create its temporary directory)
     */
    protected abstract AllocatorFactory newFactory() throws IOException;

    /**
     * Checks the PRNG against the spec, finds which phase this trial measures and makes the factory.
     *
     * @param params which benchmark this is
     * @throws IOException if the factory cannot be made
     */
    @Setup(Level.Trial)
    public void startTrial(BenchmarkParams params) throws IOException {
        SplitMix64.checkAgainstSpec();
        String benchmark = params.getBenchmark();
        phase = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        if (params.getForks() == 0) {
            System.out.println("# WARNING " + benchmark + ": -f 0 runs every implementation in one JVM, "
                    + "so the allocator calls become polymorphic and the figures are not comparable");
        }
        factory = newFactory();
    }

    /**
     * Prints the last space figures (see {@link AllocatorUnderTest#describeSpace}) and removes the factory's
     * files.
     *
     * @throws IOException if a file cannot be removed
     */
    @TearDown(Level.Trial)
    public void endTrial() throws IOException {
        try {
            if (spaceLine != null) {
                // JMH has already printed "Iteration n: " without a line break
                System.out.println(System.lineSeparator() + "# SPACE " + spaceLine);
            }
            closeAllocator(null, 0);
        } finally {
            factory.close();
        }
    }

    /**
     * Opens a fresh allocator and resets the PRNG: the state at the start of every workload.
     *
     * @throws IOException if the allocator cannot be opened
     */
    protected final void openFresh() throws IOException {
        closeAllocator(null, 0);
        allocator = factory.open();
        rng = new SplitMix64(SplitMix64.SEED);
    }

    /**
     * Closes the current allocator, if any.
     *
     * @param live the handles still allocated, or {@code null}
     * @param count how many of {@code live} are allocated
     * @throws IOException if the heap's file cannot be removed
     */
    protected final void closeAllocator(long[] live, int count) throws IOException {
        AllocatorUnderTest a = allocator;
        allocator = null;
        if (a != null) {
            a.close(live == null ? new long[0] : live, live == null ? 0 : count);
        }
    }

    /**
     * Remembers the current allocator's space figures, printed once at the end of the trial.
     *
     * @param liveRequestedBytes the sum of the sizes requested for the live blocks
     */
    protected final void recordSpace(long liveRequestedBytes) {
        spaceLine = factory.name() + " " + phase + " " + allocator.describeSpace(liveRequestedBytes);
    }

    /** @return the exception for a benchmark method this class has no setup for */
    protected final IllegalStateException unknownPhase() {
        return new IllegalStateException("no setup for benchmark method phase=" + phase);
    }
}
