// Peer layer: the allocator workloads on the C heap (benchmark names UnsafeBench.W1.w1Alloc, ...).
package dev.mappedheap.jmh.peers;

import dev.mappedheap.jmh.alloc.AllocatorFactory;
import dev.mappedheap.jmh.alloc.W1FixedSmall;
import dev.mappedheap.jmh.alloc.W2ChurnMixed;
import dev.mappedheap.jmh.alloc.W3RecordsGrow;

/**
 * The allocator workloads W1-W3 on the C heap through {@code sun.misc.Unsafe} ({@link UnsafeAllocator}): the
 * in-memory, non-persistent reference run in the same JMH run as
 * {@code dev.mappedheap.jmh.alloc.MappedHeapBench}, with the same code, settings and JVM flags.
 */
public final class UnsafeBench {
    private UnsafeBench() {}

    /** W1 fixed-small on the C heap; see {@link W1FixedSmall}. */
    public static class W1 extends W1FixedSmall {
        @Override
        protected AllocatorFactory newFactory() {
            return UnsafeAllocator.factory();
        }
    }

    /** W2 churn-mixed on the C heap; see {@link W2ChurnMixed}. */
    public static class W2 extends W2ChurnMixed {
        @Override
        protected AllocatorFactory newFactory() {
            return UnsafeAllocator.factory();
        }
    }

    /** W3 records-grow on the C heap; see {@link W3RecordsGrow}. */
    public static class W3 extends W3RecordsGrow {
        @Override
        protected AllocatorFactory newFactory() {
            return UnsafeAllocator.factory();
        }
    }
}
