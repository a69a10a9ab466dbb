// Benchmark layer: the check after a shared-heap run that every worker's blocks survived the others.
package dev.mappedheap.jmh.multi;

import dev.mappedheap.allocator.CheckReport;
import dev.mappedheap.allocator.HeapStats;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.jmh.alloc.MappedHeapAllocator;
import dev.mappedheap.jmh.alloc.Workloads;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Checks the heap after every child has stopped, closed it and exited: opened afresh, the heap must pass
 * {@link MappedHeap#check()}; every worker's block in slot {@code k} must still start with {@code k} (the
 * workload's own write); no two live blocks, of any workers, may overlap (by {@link MappedHeap#usableSize}); and
 * the heap must count exactly the workers' blocks as live. A block handed to two processes at once, or metadata
 * one process wrote over another's, fails one of these.
 *
 * <p>Stateless; used by the parent's main thread.
 */
final class SharedHeapAudit {
    private SharedHeapAudit() {}

    /**
     * @param heapFile the heap, closed by everybody else
     * @param slotDir where the children left their {@link SlotFile}s
     * @param workers how many workers the run had
     * @return a summary for the result line, e.g. {@code check=ok liveBlocks=200000 extentBytes=…}
     * @throws IllegalStateException naming the first thing that is wrong
     * @throws IOException if a slot file cannot be read
     */
    static String audit(Path heapFile, Path slotDir, int workers) throws IOException {
        int slots = Workloads.W2_SLOTS;
        long[] all = new long[Math.multiplyExact(workers, slots)];
        try (MappedHeap heap = MappedHeap.open(heapFile)) {
            CheckReport report = heap.check();
            if (!report.ok()) {
                throw new IllegalStateException("heap check failed after the run: " + report);
            }
            MappedHeapAllocator view = MappedHeapAllocator.wrapping(heap);
            for (int w = 0; w < workers; w++) {
                long[] h = SlotFile.read(slotDir, w, slots);
                Workloads.verifyIndexes("W2 worker " + w, view, h, slots);
                System.arraycopy(h, 0, all, w * slots, slots);
            }
            Arrays.sort(all);
            for (int i = 0; i + 1 < all.length; i++) {
                long end = Math.addExact(all[i], heap.usableSize(all[i]));
                if (end > all[i + 1]) {
                    throw new IllegalStateException("live blocks overlap: offset=" + all[i] + " end=" + end
                            + " next=" + all[i + 1]);
                }
            }
            HeapStats stats = heap.stats();
            if (stats.liveBlocks() != all.length) {
                throw new IllegalStateException(
                        "live blocks: expected=" + all.length + " actual=" + stats.liveBlocks());
            }
            return "check=ok liveBlocks=" + stats.liveBlocks() + " extentBytes=" + stats.extentBytes()
                    + " capacity=" + stats.capacity() + " recoveries=" + stats.recoveries() + " lockTakeovers="
                    + stats.lockTakeovers();
        }
    }
}
