// Benchmark layer: the parent's handle on one child JVM of a shared-heap run, and the line protocol with it.
package dev.mappedheap.jmh.multi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link W2Child} started by {@link SharedHeapW2}: the same {@code java}, the same JVM flags as this JVM
 * (so the Chronicle flags, {@code -Xmx} and any {@code -D} the script passed reach every child alike) and the
 * same class path (the {@code benchmarks.jar}). A reader thread splits the child's stdout: protocol lines
 * ({@value W2Child#PREFIX}…) go to a queue for {@link #expect}, anything else is echoed with the child's
 * number. Its stderr goes straight to this JVM's stderr.
 *
 * <p>Used by the parent's main thread only.
 */
final class ChildJvm {
    private static final String EOF = "\u0000eof";

    private final int number;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

    private ChildJvm(int number, Process process) {
        this.number = number;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readStdout, "child-" + number + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts child {@code number}, whose workers are numbered from {@code firstWorker}.
     *
     * @throws IOException if the JVM cannot be started
     */
    static ChildJvm start(int number, Path heapFile, Path outDir, int firstWorker, int threads, long warmupSeconds,
            long measureSeconds, boolean heapPerThread) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(W2Child.class.getName());
        command.add(heapFile.toString());
        command.add(outDir.toString());
        command.add(Integer.toString(firstWorker));
        command.add(Integer.toString(threads));
        command.add(Long.toString(warmupSeconds));
        command.add(Long.toString(measureSeconds));
        command.add(Boolean.toString(heapPerThread));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new ChildJvm(number, p);
    }

    private void readStdout() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(W2Child.PREFIX)) {
                    replies.add(line.substring(W2Child.PREFIX.length()));
                } else {
                    System.out.println("[child " + number + "] " + line);
                }
            }
        } catch (IOException e) {
            System.err.println("[child " + number + "] stdout: " + e);
        } finally {
            replies.add(EOF);
        }
    }

    /**
     * Waits for the child's next protocol line, which must start with {@code word}.
     *
     * @return the rest of the line after {@code word} and a space (may be empty)
     * @throws IOException if the child says something else (such as {@code FAILED …}), exits, or is silent
     *     for {@code timeoutSeconds}
     */
    String expect(String word, long timeoutSeconds) throws IOException, InterruptedException {
        String line = replies.poll(timeoutSeconds, TimeUnit.SECONDS);
        if (line == null) {
            throw new IOException("child " + number + " sent no " + word + " within " + timeoutSeconds + " s");
        }
        if (line.equals(EOF)) {
            throw new IOException("child " + number + " ended its output before " + word);
        }
        if (!line.equals(word) && !line.startsWith(word + " ")) {
            throw new IOException("child " + number + " expected=" + word + " got: " + line);
        }
        return line.substring(word.length()).trim();
    }

    /**
     * Sends one line to the child.
     *
     * @throws IOException if the child's stdin is closed
     */
    void send(String word) throws IOException {
        stdin.write(word + "\n");
        stdin.flush();
    }

    /**
     * Waits for the child to exit.
     *
     * @throws IOException if it does not within {@code timeoutSeconds} or exits with a status other than 0
     */
    void awaitExit(long timeoutSeconds) throws IOException, InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            throw new IOException("child " + number + " still running after " + timeoutSeconds + " s");
        }
        if (process.exitValue() != 0) {
            throw new IOException("child " + number + " exit status=" + process.exitValue());
        }
    }

    /** Kills the child if it is still running (after a failure), and waits for it to go. */
    void kill() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
