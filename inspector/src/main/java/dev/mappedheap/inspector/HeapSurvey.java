// Inspector layer: one walk of a heap, summed up for stats and the map.
package dev.mappedheap.inspector;

import dev.mappedheap.allocator.BlockVisitor;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.allocator.ProgressListener;
import dev.mappedheap.allocator.WalkReport;

/**
 * Walks a heap once and keeps what {@code stats} and {@code map} show: the walk's counts, the free-block size
 * histogram, and the fragmentation figures. The top (the never-used end of the file) counts as one free extent.
 */
final class HeapSurvey {
    final WalkReport walk;
    final FreeSizeHistogram histogram;

    private HeapSurvey(WalkReport walk, FreeSizeHistogram histogram) {
        this.walk = walk;
        this.histogram = histogram;
    }

    /**
     * @param also told of every block too (for the map), or null
     */
    static HeapSurvey of(MappedHeap heap, BlockVisitor also, ProgressListener progress) {
        FreeSizeHistogram histogram = new FreeSizeHistogram();
        WalkReport walk = heap.walk((offset, size, inUse) -> {
            if (!inUse) {
                histogram.add(size);
            }
            if (also != null) {
                also.visit(offset, size, inUse);
            }
        }, progress);
        return new HeapSurvey(walk, histogram);
    }

    /** @return a line to print when other processes changed the heap during the walk, or null */
    String changedNote() {
        return walk.changedDuringWalk()
                ? "the heap changed during the walk (another process works on it): the figures are approximate"
                : null;
    }

    /** @return bytes in the top region */
    long topBytes() {
        return walk.capacity() - walk.top();
    }

    /** @return every free byte: free blocks and the top */
    long freeBytes() {
        return walk.freeBytes() + topBytes();
    }

    /** @return the largest contiguous free range: the largest free block or the top */
    long largestFreeExtent() {
        return Math.max(histogram.largest(), topBytes());
    }

    /**
     * @return {@code 1 - largest free extent / all free bytes}: 0 when all free space is one piece, close to 1
     *     when it is scattered in many small pieces; 0 when nothing is free
     */
    double fragmentation() {
        long free = freeBytes();
        return free == 0 ? 0 : 1.0 - (double) largestFreeExtent() / free;
    }
}
