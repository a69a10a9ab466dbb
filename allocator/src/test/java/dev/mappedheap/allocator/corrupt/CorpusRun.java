package dev.mappedheap.allocator.corrupt;

import dev.mappedheap.allocator.ChildJvm;
import dev.mappedheap.allocator.RunningChild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs ranges of the corpus in child JVMs ({@link CorruptHeapChild}) and turns what they print, and how they
 * end, into one line per mutation: the child's {@code done}/{@code unexpected}/{@code hang} lines, plus a
 * {@code crash ID} line for a child that died (exit code, hs_err file) in the middle of a mutation. After a
 * crash or a hang a new child goes on with the next mutation, so one failure hides no other.
 */
final class CorpusRun {
    private static final int MAX_RESTARTS = 20;

    private final Path dir;
    private final long seed;
    private final int randomFlips;
    private final List<Path> bases;
    private final List<Mutations.Mutation> corpus;
    private final List<String> extraVmOptions;

    /**
     * @param dir where each child gets its working directory
     * @param extraVmOptions more options for each child (the self-test of the harness uses them)
     */
    CorpusRun(Path dir, long seed, int randomFlips, List<Path> bases, List<Mutations.Mutation> corpus,
            List<String> extraVmOptions) {
        this.dir = dir;
        this.seed = seed;
        this.randomFlips = randomFlips;
        this.bases = bases;
        this.corpus = corpus;
        this.extraVmOptions = extraVmOptions;
    }

    /**
     * Runs mutations {@code from..end-1} in child JVMs: one child for the whole range, and after a crash or a
     * hang a new one from the mutation after the one that failed.
     *
     * @return the children's {@code done} and {@code unexpected} lines, plus a {@code crash}/{@code hang}
     *     line per failed child
     */
    List<String> range(int from, int end) throws Exception {
        List<String> result = new ArrayList<>();
        int next = from;
        for (int restart = 0; next < end && restart <= MAX_RESTARTS; restart++) {
            Path work = Files.createDirectories(dir.resolve("child-" + from + "-" + restart));
            List<String> args = new ArrayList<>(List.of(work.toString(), Long.toString(seed),
                    Integer.toString(randomFlips), Integer.toString(next), Integer.toString(end)));
            bases.forEach(b -> args.add(b.toString()));
            List<String> vmOptions = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC",
                    "-XX:ErrorFile=" + work.resolve("hs_err_pid%p.log")));
            vmOptions.addAll(extraVmOptions);
            List<String> command = ChildJvm.command(vmOptions, CorruptHeapChild.class, args.toArray(String[]::new));
            int exit;
            String output;
            try (RunningChild child = RunningChild.start("corrupt " + next + ".." + end, command)) {
                try {
                    exit = child.awaitExit(60 + (end - next) / 20);
                } catch (AssertionError timeout) {
                    exit = -1; // the watchdog itself did not fire: count it as a hang of the last mutation tried
                }
                output = child.output();
            }
            int inFlight = -1;
            boolean ended = false;
            for (String line : output.split("\n")) {
                if (line.startsWith("try ")) {
                    inFlight = Integer.parseInt(line.substring(4).trim());
                } else if (line.startsWith("done ") || line.startsWith("unexpected ")) {
                    result.add(line);
                    inFlight = -1;
                } else if (line.startsWith("end")) {
                    ended = true;
                } else if (line.startsWith("hang ")) {
                    result.add(line);
                }
            }
            if (ended && exit == 0) {
                return result;
            }
            if (inFlight < 0) {
                result.add("crash -1 child exit=" + exit + " before its first mutation: " + tail(output));
                return result;
            }
            if (exit != CorruptHeapChild.HANG_EXIT) {
                try (Stream<Path> logs = Files.list(work)) {
                    result.add("crash " + inFlight + " exit=" + exit + " " + corpus.get(inFlight) + " hs_err="
                            + logs.filter(p -> p.getFileName().toString().startsWith("hs_err")).toList() + " "
                            + tail(output));
                }
            }
            next = inFlight + 1;
        }
        return result;
    }

    private static String tail(String output) {
        return output.length() > 2000 ? output.substring(output.length() - 2000) : output;
    }

}
