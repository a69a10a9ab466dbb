package dev.mappedheap.allocator.corrupt;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link CorruptFileSuiteTest}: tries mutations {@code from..to-1} of the corpus one after
 * another on one file. Before each it prints {@code try ID}, after it {@code done ID OUTCOME}, so a crash or
 * a hang names the mutation it happened on. A watchdog thread ends the JVM with exit code 3 and a stack dump
 * when one mutation takes longer than the limit (a loop that never ends).
 *
 * <p>Arguments: workDir seed randomFlips from to baseFile...
 */
public final class CorruptHeapChild {
    static final int HANG_EXIT = 3;
    /** One mutation in this many is also opened, checked and closed alone, to see that doing so writes nothing. */
    private static final int READ_ONLY_EVERY = 4;
    private static final long HANG_MILLIS = Long.getLong("mappedheap.corrupt.hangMillis", 20_000);

    private static volatile int current = -1;
    private static volatile long startedNanos;

    private CorruptHeapChild() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int randomFlips = Integer.parseInt(args[2]);
        int from = Integer.parseInt(args[3]);
        int to = Integer.parseInt(args[4]);
        List<Path> baseFiles = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            baseFiles.add(Path.of(args[i]));
        }
        List<HeapImage> bases = HeapImage.read(baseFiles);
        List<Mutations.Mutation> corpus = Mutations.build(bases, seed, randomFlips);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8");
        startWatchdog(out);
        Path file = work.resolve("m.heap");
        for (int id = from; id < to && id < corpus.size(); id++) {
            Mutations.Mutation m = corpus.get(id);
            out.println("try " + id);
            startedNanos = System.nanoTime();
            current = id;
            failOnPurpose(id);
            HeapImage base = bases.get(m.base());
            MutableFile mutated = m.applyTo(base);
            write(file, mutated);
            try {
                String readOnly = id % READ_ONLY_EVERY == 0 ? " " + Trial.readOnly(file, mutated) : "";
                write(file, mutated);
                out.println("done " + id + " " + Trial.run(file, base, seed ^ id) + readOnly);
            } catch (RuntimeException | Error e) {
                java.io.StringWriter trace = new java.io.StringWriter();
                e.printStackTrace(new java.io.PrintWriter(trace));
                out.println("unexpected " + id + " " + m + " :: " + trace.toString().replace("\n", " | "));
            }
            current = -1;
        }
        out.println("end");
        out.flush();
        System.exit(0);
    }

    /**
     * For the test of the harness only: a real JVM crash, or a loop that never ends, at a chosen mutation,
     * so the parent's detection of both is itself tested.
     */
    private static void failOnPurpose(int id) {
        if (id == Integer.getInteger("mappedheap.corrupt.selfTest.crashAt", -1)) {
            net.openhft.chronicle.core.UnsafeMemory.MEMORY.writeLong(0L, 1L); // SIGSEGV: no Java frame survives it
        }
        while (id == Integer.getInteger("mappedheap.corrupt.selfTest.hangAt", -1) && current == id) {
            Thread.onSpinWait();
        }
    }

    /** Replaces the file's bytes with the mutated image, at its (possibly cut) length. */
    private static void write(Path file, MutableFile mutated) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            channel.truncate(mutated.length);
            ByteBuffer bytes = ByteBuffer.wrap(mutated.bytes, 0, mutated.length);
            while (bytes.hasRemaining()) {
                channel.write(bytes, bytes.position());
            }
        }
    }

    private static void startWatchdog(PrintStream out) {
        Thread main = Thread.currentThread();
        Thread dog = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
                int id = current;
                if (id >= 0 && System.nanoTime() - startedNanos > HANG_MILLIS * 1_000_000) {
                    StringBuilder dump = new StringBuilder();
                    for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
                        if (t.getKey() == main) {
                            for (StackTraceElement e : t.getValue()) {
                                dump.append(" | at ").append(e);
                            }
                        }
                    }
                    out.println("hang " + id + " after " + HANG_MILLIS + " ms" + dump);
                    out.flush();
                    Runtime.getRuntime().halt(HANG_EXIT);
                }
            }
        }, "hang watchdog");
        dog.setDaemon(true);
        dog.start();
    }
}
