// Benchmark layer: MappedHeap driven through the workloads' allocator interface.
package dev.mappedheap.jmh.alloc;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.HeapStats;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.jmh.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@link MappedHeap} as an {@link AllocatorUnderTest}: a handle is the block's offset in the heap file. Each
 * allocator is a new heap file in a temporary directory under {@code java.io.tmpdir}; closing it closes the heap
 * and deletes the file, and the factory deletes the directory at the end of the trial.
 *
 * <p>Heap options: {@link #OPTIONS}, 64 MiB initial size, 64 MiB growth increment, no maximum. W1 ends with
 * about 80 MB of blocks, W2 about 70 MB and W3 about 450 MB, so the file grows during W1, W2 and W3 (W3 by
 * about six increments) and the cost of growing (extend the file, remap) is inside the timed phases. The native
 * peers (Boost, PMDK) instead create their files at full size up front (sparse, 256 MiB / 512 MiB / 2 GiB), so
 * they never grow: compare with that in mind.
 *
 * <p>{@link #copy} is {@link MappedHeap#copy} (a bounds-checked memmove), as the Unsafe peer's is
 * {@code Unsafe.copyMemory}. As thread-safe as MappedHeap; the JMH workloads use one per benchmark thread.
 */
public final class MappedHeapAllocator implements AllocatorUnderTest {
    /** 64 MiB initial size, 64 MiB growth increment, unbounded. */
    public static final HeapOptions OPTIONS =
            HeapOptions.defaults().initialSize(64L << 20).growthIncrement(64L << 20);

    private final MappedHeap heap;
    /** The file to delete on close; {@code null} for a {@link #wrapping} of a heap the caller owns. */
    private final Path file;

    private MappedHeapAllocator(MappedHeap heap, Path file) {
        this.heap = heap;
        this.file = file;
    }

    /**
     * For heaps shared by several workers (threads or processes, {@code dev.mappedheap.jmh.multi}): wraps a heap
     * the caller opened and keeps, so every worker drives it through the same calls as the JMH workloads.
     * {@link #close} of the wrapper closes the heap (idempotent) and deletes nothing; MappedHeap itself is
     * thread-safe, so one heap may have several wrappers.
     *
     * @param heap an open heap
     * @return the wrapper
     */
    public static MappedHeapAllocator wrapping(MappedHeap heap) {
        return new MappedHeapAllocator(heap, null);
    }

    /** @return a factory of heaps with {@link #OPTIONS}, each in a new file of one fresh temporary directory */
    public static AllocatorFactory factory() throws IOException {
        return new InTempDir(Files.createTempDirectory("mappedheap-jmh-"), OPTIONS);
    }

    @Override
    public long allocate(long size) {
        return heap.allocate(size);
    }

    @Override
    public void free(long handle) {
        heap.free(handle);
    }

    @Override
    public long reallocate(long handle, long newSize) {
        return heap.reallocate(handle, newSize);
    }

    @Override
    public void writeLong(long handle, long value) {
        heap.writeLong(handle, value);
    }

    @Override
    public long readLong(long handle) {
        return heap.readLong(handle);
    }

    @Override
    public void copy(long from, long to, long bytes) {
        heap.copy(from, to, bytes);
    }

    @Override
    public String describeSpace(long liveRequestedBytes) {
        HeapStats s = heap.stats();
        return String.format(Locale.ROOT,
                "live=%d extentBytes=%d live/extent=%.3f usedBytes=%d live/used=%.3f capacity=%d live/capacity=%.3f"
                        + " metadataBytes=%d freeBytes=%d topBytes=%d liveBlocks=%d freeBlocks=%d"
                        + " largestFreeBlock=%d",
                liveRequestedBytes, s.extentBytes(), ratio(liveRequestedBytes, s.extentBytes()), s.usedBytes(),
                ratio(liveRequestedBytes, s.usedBytes()), s.capacity(), ratio(liveRequestedBytes, s.capacity()),
                s.metadataBytes(), s.freeBytes(), s.topBytes(), s.liveBlocks(), s.freeBlocks(),
                s.largestFreeBlock());
    }

    private static double ratio(long a, long b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }

    @Override
    public void close(long[] live, int count) throws IOException {
        // the blocks go with the file: freeing them first would only add work nobody measures
        try {
            heap.close();
        } finally {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Heap files numbered in one temporary directory. */
    private static final class InTempDir implements AllocatorFactory {
        private final Path dir;
        private final HeapOptions options;
        private int opened;

        InTempDir(Path dir, HeapOptions options) {
            this.dir = dir;
            this.options = options;
        }

        @Override
        public String name() {
            return "mappedheap";
        }

        @Override
        public AllocatorUnderTest open() throws IOException {
            Path file = dir.resolve("heap-" + (++opened) + ".mh");
            Files.deleteIfExists(file);
            return new MappedHeapAllocator(MappedHeap.create(file, options), file);
        }

        @Override
        public void close() throws IOException {
            TempDirs.deleteTree(dir);
        }
    }
}
