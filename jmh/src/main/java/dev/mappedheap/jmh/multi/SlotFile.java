// Benchmark layer: how a child JVM hands its workers' final handles to the parent for the audit.
package dev.mappedheap.jmh.multi;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One file per worker, {@code worker-N.slots}: its live handles, slot by slot, as big-endian longs. The child
 * writes it after its workers stop; the parent reads every worker's file to check the heap as a whole
 * ({@link SharedHeapAudit}). Stateless.
 */
final class SlotFile {
    private SlotFile() {}

    /** @return where worker {@code worker} (numbered across all child JVMs) keeps its handles */
    static Path of(Path dir, int worker) {
        return dir.resolve("worker-" + worker + ".slots");
    }

    /**
     * @param handles the worker's live handles, slot by slot
     * @throws IOException if the file cannot be written
     */
    static void write(Path dir, int worker, long[] handles) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                Files.newOutputStream(of(dir, worker))))) {
            for (long h : handles) {
                out.writeLong(h);
            }
        }
    }

    /**
     * @param slots how many handles the file holds
     * @return the worker's handles, slot by slot
     * @throws IOException if the file is missing or short
     */
    static long[] read(Path dir, int worker, int slots) throws IOException {
        long[] handles = new long[slots];
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                Files.newInputStream(of(dir, worker))))) {
            for (int k = 0; k < slots; k++) {
                handles[k] = in.readLong();
            }
        }
        return handles;
    }
}
