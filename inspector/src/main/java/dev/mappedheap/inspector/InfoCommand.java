// Inspector layer: the info command.
package dev.mappedheap.inspector;

import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.HeapInfo;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.roots.NamedRoots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code info HEAP}: the header: format, sizes, root and named roots. Reads the header only: instant. */
@Command(name = "info", description = "Format version, file size, capacity, heap start, top, root and named roots.")
final class InfoCommand extends HeapCommand {

    @Override
    int run(MappedHeap heap) {
        HeapInfo info = heap.info();
        long fileSize;
        try {
            fileSize = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the file's size: " + file, e);
        }
        field("file", file.toString());
        field("format", "mappedheap, version " + info.formatVersion());
        field("file size", Units.bytesExact(fileSize));
        field("capacity", Units.bytesExact(info.capacity()));
        field("max size", info.unbounded() ? "unbounded" : Units.bytesExact(info.maxSize()));
        field("growth", Units.bytes(info.growthIncrement()) + " at a time");
        field("heap start", Units.offset(info.heapStart()) + "  (header 8 KiB, journal of "
                + Units.count(info.journalCapacity()) + " entries at " + Units.count(info.journalOffset()) + ")");
        field("top", Units.offset(info.top()) + "  (" + Units.bytes(info.capacity() - info.top())
                + " never used at the end)");
        field("journal seq", Units.count(info.journalSeq()));
        field("root", info.root() == 0 ? "0 (none)" : Units.offset(info.root()));
        printNamedRoots(heap, info.root());
        return 0;
    }

    private void printNamedRoots(MappedHeap heap, long root) {
        if (root == 0) {
            field("named roots", "none");
            return;
        }
        NamedRoots roots;
        List<String> names;
        try {
            roots = NamedRoots.open(heap); // the root is set, so this only reads it
            names = roots.names();
        } catch (HeapException notADirectory) {
            field("named roots", "none (the root is not a named-roots directory)");
            return;
        }
        field("named roots", Units.count(names.size()) + (names.isEmpty() ? "" : ":"));
        int width = names.stream().mapToInt(String::length).max().orElse(0);
        for (String name : names) {
            long offset = roots.get(name).orElse(0);
            out().println("  " + name + " ".repeat(width - name.length()) + "  " + Units.offset(offset));
        }
    }
}
