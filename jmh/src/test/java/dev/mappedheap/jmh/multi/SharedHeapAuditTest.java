// Benchmark support tests: the audit after a shared-heap run catches lost writes and blocks handed out twice.
package dev.mappedheap.jmh.multi;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.jmh.alloc.Workloads;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedHeapAuditTest {
    private static final int WORKERS = 2;

    @TempDir
    Path dir;

    private Path heapFile;
    private final long[][] handles = new long[WORKERS][Workloads.W2_SLOTS];

    /** Two workers' live sets of 16-byte blocks, each holding its slot number, as a finished run leaves them. */
    @BeforeEach
    void fill() {
        heapFile = dir.resolve("heap.mh");
        try (MappedHeap heap = MappedHeap.create(heapFile, HeapOptions.defaults().initialSize(16L << 20))) {
            for (long[] h : handles) {
                for (int k = 0; k < h.length; k++) {
                    h[k] = heap.allocate(16);
                    heap.writeLong(h[k], k);
                }
            }
        }
    }

    private void writeSlotFiles() throws IOException {
        for (int w = 0; w < WORKERS; w++) {
            SlotFile.write(dir, w, handles[w]);
        }
    }

    @Test
    void passesWhenEveryBlockHoldsItsSlot() throws IOException {
        writeSlotFiles();
        assertTrue(SharedHeapAudit.audit(heapFile, dir, WORKERS).contains("liveBlocks=" + WORKERS * Workloads.W2_SLOTS));
    }

    @Test
    void failsWhenABlockLostItsSlotNumber() throws IOException {
        try (MappedHeap heap = MappedHeap.open(heapFile)) {
            heap.writeLong(handles[1][7], 8);
        }
        writeSlotFiles();
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> SharedHeapAudit.audit(heapFile, dir, WORKERS));
        assertTrue(e.getMessage().contains("index=7"), e.getMessage());
    }

    @Test
    void failsWhenTwoWorkersHoldTheSameBlock() throws IOException {
        // worker 1's slot 0 names worker 0's slot 0 block, which holds 0 as well: only the overlap check sees it
        long lost = handles[1][0];
        handles[1][0] = handles[0][0];
        try (MappedHeap heap = MappedHeap.open(heapFile)) {
            heap.free(lost);
        }
        writeSlotFiles();
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> SharedHeapAudit.audit(heapFile, dir, WORKERS));
        assertTrue(e.getMessage().contains("overlap"), e.getMessage());
    }
}
