// Benchmark support layer: where each benchmark run gets a fresh allocator from.
package dev.mappedheap.jmh.alloc;

import java.io.IOException;

/**
 * Makes a fresh {@link AllocatorUnderTest} for every measured invocation (each workload starts from an empty
 * heap, as in the native harness where every run is a fresh process with a fresh file). One factory lives for
 * one benchmark trial; it owns whatever the allocators share, such as a temporary directory.
 */
public interface AllocatorFactory {
    /** @return a short name for the log, e.g. {@code mappedheap} or {@code unsafe} */
    String name();

    /**
     * @return a new, empty allocator
     * @throws IOException if its heap file cannot be created
     */
    AllocatorUnderTest open() throws IOException;

    /**
     * Removes what the factory made (allocators it opened must be closed first).
     *
     * @throws IOException if a file cannot be removed
     */
    void close() throws IOException;
}
