package dev.mappedheap.allocator.corrupt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.LiveJournals;
import dev.mappedheap.allocator.MappedHeap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;

/** The intact heaps the corpus damages: built by seeded workloads; the last ones left mid-operation. */
final class BaseHeaps {
    private BaseHeaps() {}

    /** Heaps built by seeded workloads; the last one is left mid-operation, with a live journal. */
    static List<Path> build(Path bases, long seed) throws Exception {
        List<Path> files = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        HeapOptions small = HeapOptions.defaults().initialSize(512 << 10).growthIncrement(64 << 10).maxSize(8 << 20);
        files.add(workload(bases.resolve("mixed.heap"), small, random.split(), 500));
        files.add(workload(bases.resolve("grown.heap"), HeapOptions.defaults().initialSize(256 << 10)
                .growthIncrement(64 << 10), random.split(), 900));
        Path fresh = bases.resolve("fresh.heap");
        MappedHeap.create(fresh, HeapOptions.defaults().initialSize(64 << 10).maxSize(1 << 20)).close();
        files.add(fresh);
        Path midAllocate = workload(bases.resolve("mid-allocate.heap"), small, random.split(), 300);
        crash(midAllocate, heap -> heap.allocate(5000), 5);
        files.add(midAllocate);
        Path midFree = workload(bases.resolve("mid-free.heap"), small, random.split(), 400);
        long victim = liveTreeSizedBlock(midFree);
        crash(midFree, heap -> {
            heap.free(victim);
            return 0;
        }, 4);
        files.add(midFree);
        return files;
    }

    private static void crash(Path file, ToLongFunction<MappedHeap> op, int atWrite) {
        assertThat(LiveJournals.crashDuring(file, op, atWrite)).as("the operation reaches write " + atWrite).isTrue();
    }

    private static long liveTreeSizedBlock(Path file) throws Exception {
        HeapImage image = new HeapImage("probe", Files.readAllBytes(file));
        return image.live.stream().filter(b -> b.size() >= 8192).findFirst().orElseThrow().payload();
    }

    /** Allocations and frees of mixed sizes (small, medium, tree-sized), with some payload written. */
    private static Path workload(Path file, HeapOptions options, SplittableRandom random, int steps) {
        try (MappedHeap heap = MappedHeap.create(file, options)) {
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < steps; i++) {
                if (live.isEmpty() || random.nextInt(10) < 6) {
                    int kind = random.nextInt(10);
                    long size = kind < 5 ? random.nextInt(8, 256) : kind < 8 ? random.nextInt(256, 6000)
                            : random.nextInt(8000, 60000);
                    long p = heap.allocate(size);
                    heap.writeLong(p, p ^ seedOf(random));
                    live.add(p);
                } else {
                    heap.free(live.remove(random.nextInt(live.size())));
                }
            }
            assertThat(heap.check().ok()).as("the base heap is consistent").isTrue();
        }
        return file;
    }

    private static long seedOf(SplittableRandom random) {
        return random.nextLong();
    }
}
