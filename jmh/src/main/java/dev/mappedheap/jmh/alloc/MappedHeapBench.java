// Benchmark layer: the allocator workloads on MappedHeap (benchmark names MappedHeapBench.W1.w1Alloc, ...).
package dev.mappedheap.jmh.alloc;

import java.io.IOException;

/**
 * The allocator workloads W1-W3 on {@link dev.mappedheap.allocator.MappedHeap}, one heap file per measured
 * invocation (see {@link MappedHeapAllocator} for the options and what they mean for the comparison with the
 * native peers). The peer in the same run is {@code dev.mappedheap.jmh.peers.UnsafeBench}.
 */
public final class MappedHeapBench {
    private MappedHeapBench() {}

    /** W1 fixed-small on MappedHeap; see {@link W1FixedSmall}. */
    public static class W1 extends W1FixedSmall {
        @Override
        protected AllocatorFactory newFactory() throws IOException {
            return MappedHeapAllocator.factory();
        }
    }

    /** W2 churn-mixed on MappedHeap; see {@link W2ChurnMixed}. */
    public static class W2 extends W2ChurnMixed {
        @Override
        protected AllocatorFactory newFactory() throws IOException {
            return MappedHeapAllocator.factory();
        }
    }

    /** W3 records-grow on MappedHeap; see {@link W3RecordsGrow}. */
    public static class W3 extends W3RecordsGrow {
        @Override
        protected AllocatorFactory newFactory() throws IOException {
            return MappedHeapAllocator.factory();
        }
    }
}
