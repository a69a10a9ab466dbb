package dev.mappedheap.allocator;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs a class of the test class path in a child JVM with this JVM's module flags, bounded in time. */
public final class ChildJvm {
    /** What the child did. */
    public record Result(int exitCode, String output) {}

    private static final int PARALLEL_CHILDREN = 3;

    private ChildJvm() {}

    /** @return the command that starts {@code mainClass} with {@code args} in a new JVM */
    public static List<String> command(Class<?> mainClass, String... args) {
        return command(List.of(), mainClass, args);
    }

    /**
     * @return the command for a child that lives a fraction of a second: C1 only and the serial collector,
     *     which start a JVM with about a third less CPU, for tests that start hundreds of them
     */
    public static List<String> shortLivedCommand(Class<?> mainClass, String... args) {
        return command(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), mainClass, args);
    }

    /** @return the command that starts {@code mainClass} with {@code args} in a new JVM with extra VM options */
    public static List<String> command(List<String> vmOptions, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(vmOptions);
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access")
                    || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        // Surefire runs tests from a manifest-only jar; it names the real class path in this property
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Runs the commands, a few at a time (starting a JVM is mostly waiting on one core), and returns their
     * results in order.
     */
    public static List<Result> runAll(List<List<String>> commands) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_CHILDREN);
        try {
            List<Future<Result>> futures = new ArrayList<>();
            for (List<String> command : commands) {
                futures.add(pool.submit(() -> run(command)));
            }
            List<Result> results = new ArrayList<>();
            for (Future<Result> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs {@code command}, waiting at most 60 seconds. */
    public static Result run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // read while it runs: a child that fills the pipe would otherwise block until the timeout
        java.util.concurrent.CompletableFuture<String> output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not finish within 60 s: " + command);
        }
        return new Result(process.exitValue(), output.get(10, TimeUnit.SECONDS));
    }
}
