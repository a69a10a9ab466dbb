package dev.mappedheap.allocator.internal;

/**
 * For the overhead benchmark only: {@code -Dmappedheap.benchmark.unguarded=true} runs the allocator without
 * the heap lock in the file and without the undo journal (metadata words are stored directly), so the
 * benchmark can show what the two cost per operation. Such a heap is neither crash-safe nor safe to share
 * between processes or instances; never set it anywhere else. A static final constant, so when it is off
 * (always, in the product) the JIT removes the branches.
 */
public final class BenchmarkSwitch {
    public static final boolean UNGUARDED = Boolean.getBoolean("mappedheap.benchmark.unguarded");

    static {
        if (UNGUARDED) {
            System.err.println("mappedheap: WARNING: -Dmappedheap.benchmark.unguarded=true: no heap lock, no"
                    + " journal; for the overhead benchmark only, not crash-safe, not shareable");
        }
    }

    private BenchmarkSwitch() {}
}
