package dev.mappedheap.allocator;

import java.nio.file.Path;

/** Child-JVM entry point for {@link ExclusiveOpenTest}: tries to open a heap and says how it went. */
final class OpenProbe {
    static final int OPENED = 0;
    static final int REFUSED = 3;

    private OpenProbe() {}

    public static void main(String[] args) {
        try (MappedHeap heap = MappedHeap.open(Path.of(args[0]))) {
            System.out.println("opened: root=" + heap.root() + " check=" + heap.check());
            System.exit(heap.check().ok() ? OPENED : 1);
        } catch (HeapException e) {
            System.out.println("refused: " + e.getMessage());
            System.exit(REFUSED);
        }
    }
}
