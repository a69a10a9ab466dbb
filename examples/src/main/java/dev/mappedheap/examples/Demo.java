package dev.mappedheap.examples;

import dev.mappedheap.allocator.CheckReport;
import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.HeapStats;
import dev.mappedheap.allocator.MappedHeap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo from the README: variable-length records in a heap file, one of them changed in place without
 * rewriting the file, half of them deleted, and everything still there after the file is closed and opened
 * again.
 *
 * <p>Record layout: an 8-byte length, then the UTF-8 bytes. The root block is a directory: an 8-byte count,
 * then one 8-byte offset per record.
 */
public final class Demo {
    private static final int RECORDS = 100_000;

    private Demo() {}

    /** @param args the heap file to use (deleted first if it exists) */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "demo.heap");
        Files.deleteIfExists(file);
        HeapOptions options = HeapOptions.defaults().initialSize(1 << 20).growthIncrement(4 << 20);
        System.out.println("mappedheap demo: " + RECORDS + " variable-length records in " + file.toAbsolutePath());

        try (MappedHeap heap = MappedHeap.create(file, options)) {
            long start = System.nanoTime();
            long directory = heap.allocate(8 + 8L * RECORDS);
            heap.writeLong(directory, RECORDS);
            for (int i = 0; i < RECORDS; i++) {
                heap.writeLong(directory + 8 + 8L * i, store(heap, "record " + i + ": " + "x".repeat(i % 200)));
            }
            heap.setRoot(directory);
            report("after writing " + RECORDS + " records in " + (System.nanoTime() - start) / 1_000_000 + " ms",
                    heap);

            long first = heap.readLong(directory + 8);
            System.out.println("\nrecord 0 reads \"" + load(heap, first) + "\"; changing it to \"Foobar\"...");
            long changed = replace(heap, first, "Foobar");
            heap.writeLong(directory + 8, changed);
            System.out.println("record 0 now reads \"" + load(heap, changed) + "\""
                    + (changed == first ? " (resized in place: the rest of the file was not touched)"
                            : " (moved to offset " + changed + ")"));

            for (int i = 1; i < RECORDS; i += 2) {
                heap.free(heap.readLong(directory + 8 + 8L * i));
                heap.writeLong(directory + 8 + 8L * i, 0);
            }
            report("\nafter deleting every odd record", heap);
        }

        try (MappedHeap heap = MappedHeap.open(file)) {
            long directory = heap.root();
            long count = heap.readLong(directory);
            int verified = 0;
            for (int i = 0; i < count; i += 2) {
                String expected = i == 0 ? "Foobar" : "record " + i + ": " + "x".repeat(i % 200);
                if (!load(heap, heap.readLong(directory + 8 + 8L * i)).equals(expected)) {
                    throw new IllegalStateException("record " + i + " lost after reopen");
                }
                verified++;
            }
            System.out.println("\nreopened: root=" + directory + ", all " + verified + " remaining records verified");
            CheckReport check = heap.check();
            System.out.println("integrity check: " + (check.ok() ? "clean" : check.problems()) + " ("
                    + check.blocksWalked() + " blocks walked)");
        }
    }

    private static long store(MappedHeap heap, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        long offset = heap.allocate(8 + bytes.length);
        heap.writeLong(offset, bytes.length);
        heap.write(offset + 8, bytes, 0, bytes.length);
        return offset;
    }

    /** Overwrites a record, resizing its block in place when the heap can. */
    private static long replace(MappedHeap heap, long offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        long resized = heap.reallocate(offset, 8 + bytes.length);
        heap.writeLong(resized, bytes.length);
        heap.write(resized + 8, bytes, 0, bytes.length);
        return resized;
    }

    private static String load(MappedHeap heap, long offset) {
        byte[] bytes = new byte[(int) heap.readLong(offset)];
        heap.read(offset + 8, bytes, 0, bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void report(String title, MappedHeap heap) {
        HeapStats s = heap.stats();
        System.out.println(title + ":");
        System.out.printf("  file %,d bytes: %,d in %,d live blocks, %,d free in %,d free blocks + %,d never used%n",
                s.capacity(), s.usedBytes(), s.liveBlocks(), s.freeBytes() - s.topBytes(), s.freeBlocks(),
                s.topBytes());
        System.out.println("  [" + bar(s) + "]  # in use  . free  _ never used  (M = header and journal)");
    }

    /** One line, 60 characters wide, split in proportion to metadata, used, free and top bytes. */
    private static String bar(HeapStats s) {
        int width = 60;
        int meta = Math.max(1, (int) (width * s.metadataBytes() / s.capacity()));
        int top = (int) (width * s.topBytes() / s.capacity());
        int free = (int) (width * (s.freeBytes() - s.topBytes()) / s.capacity());
        int used = Math.max(0, width - meta - top - free);
        return "M".repeat(meta) + "#".repeat(used) + ".".repeat(free) + "_".repeat(top);
    }
}
