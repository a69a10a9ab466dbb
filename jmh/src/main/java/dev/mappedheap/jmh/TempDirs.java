// Benchmark support layer: removing what a benchmark left in its temporary directory.
package dev.mappedheap.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Deletes a benchmark's temporary directory with everything in it: heap files run to hundreds of MiB, and a
 * disk filled by forgotten ones once stopped every run on the machine. Stateless.
 */
public final class TempDirs {
    private TempDirs() {}

    /**
     * Deletes {@code dir} and everything below it; nothing if it does not exist.
     *
     * @param dir the directory
     * @throws IOException if something cannot be deleted (for instance a file another process still creates)
     */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
