// Benchmark support layer: the one interface every allocator in the workloads is driven through.
package dev.mappedheap.jmh.alloc;

import java.io.IOException;

/**
 * An allocator as the workloads W1-W3 see it: blocks named by a {@code long} handle (an offset into a heap file
 * or a native address), with 8-byte access at the start of a block and a way to copy a block's bytes.
 *
 * <p>Each benchmark fork uses exactly one implementation, so the calls through this interface in the measured
 * loops stay monomorphic (the JIT sees one receiver class). Implementations are not thread-safe here: one
 * benchmark thread drives one instance.
 */
public interface AllocatorUnderTest {
    /**
     * @param size requested bytes, positive
     * @return the new block's handle
     * @throws RuntimeException (or an {@link Error} such as {@link OutOfMemoryError}) if the allocator is full
     */
    long allocate(long size);

    /** @param handle a block from {@link #allocate} or {@link #reallocate}, not yet freed */
    void free(long handle);

    /**
     * Resizes a block keeping its first {@code min(old size, newSize)} bytes, in place when the implementation
     * can.
     *
     * @param handle a live block
     * @param newSize the new size in bytes
     * @return the block's handle afterwards (the old handle is no longer valid if it differs)
     */
    long reallocate(long handle, long newSize);

    /**
     * @param handle a live block of at least 8 bytes
     * @param value written at the block's first byte
     */
    void writeLong(long handle, long value);

    /**
     * @param handle a live block of at least 8 bytes
     * @return the 8 bytes at the block's first byte
     */
    long readLong(long handle);

    /**
     * Copies the first {@code bytes} bytes of one block to the start of another (the plain W3 step: allocate,
     * copy, free). An implementation without a bulk copy may copy whole 8-byte words, that is
     * {@code bytes} rounded up to 8, which both blocks hold when the allocator has 8-byte granularity.
     *
     * @param from a live block of at least {@code bytes} bytes
     * @param to another live block of at least {@code bytes} bytes
     * @param bytes how many bytes to copy
     */
    void copy(long from, long to, long bytes);

    /**
     * One line for the benchmark log that relates the bytes the workload holds to the bytes the allocator
     * occupies, e.g. {@code live=68382140 extent=72351744 live/extent=0.945}.
     *
     * @param liveRequestedBytes the sum of the sizes the workload requested for its live blocks
     * @return the line, never {@code null}
     */
    String describeSpace(long liveRequestedBytes);

    /**
     * Releases everything: a persistent heap is closed and its file deleted, an in-memory peer frees the blocks.
     *
     * @param live every handle still allocated, in {@code live[0..count)}
     * @param count how many of {@code live} are allocated
     * @throws IOException if the heap's file cannot be removed
     */
    void close(long[] live, int count) throws IOException;
}
