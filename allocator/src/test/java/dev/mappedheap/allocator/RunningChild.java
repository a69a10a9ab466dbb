package dev.mappedheap.allocator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM started by a multi-process test, with its output read by a thread as it comes: the tests wait
 * for lines ({@code ready}, {@code holding}, {@code ops N}) while the child runs, and kill it at will.
 */
public final class RunningChild implements AutoCloseable {
    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>(); // guarded by this
    private long ops = -1; // guarded by this: the last "ops N" seen

    private RunningChild(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::readOutput, "output of " + name);
        reader.setDaemon(true);
        reader.start();
    }

    public static RunningChild start(String name, List<String> command) throws IOException {
        return new RunningChild(name, new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (this) {
                    if (line.startsWith("ops ")) {
                        ops = Long.parseLong(line.substring(4).trim());
                    } else {
                        lines.add(line);
                    }
                    notifyAll();
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // the child died: its output ends here
        }
    }

    /** @return the first output line starting with {@code prefix}, waiting up to {@code millis} for it */
    public synchronized String awaitLine(String prefix, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            for (String line : lines) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(name + " printed no line starting with '" + prefix + "' within " + millis
                        + " ms; alive=" + process.isAlive() + " output=" + lines);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** @return true when a line starting with {@code prefix} has been printed */
    public synchronized boolean printed(String prefix) {
        return lines.stream().anyMatch(line -> line.startsWith(prefix));
    }

    /** @return the last operation count the child reported; -1 before the first */
    public synchronized long ops() {
        return ops;
    }

    /** Waits until the child's operation count passes {@code count}; false if it does not within the time. */
    public synchronized boolean awaitOpsAbove(long count, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (ops <= count) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !process.isAlive()) {
                return ops > count;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Sends a line to the child's stdin. */
    public void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** @return the exit code, waiting at most {@code seconds} */
    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not exit within " + seconds + " s; output=" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL, then reaps the process. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public synchronized String output() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS); // reaped before the test's temporary directory goes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + ")";
    }
}
