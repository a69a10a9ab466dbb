package dev.mappedheap.allocator.corrupt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corrupt-file suite: real heaps, built by seeded workloads (two left in the middle of an operation, with
 * live journals), damaged in every way {@link Mutations} knows, each tried in a child JVM by
 * {@link CorruptHeapChild}: open, check, a bounded set of operations, check, close. Allowed outcomes: opened
 * clean, opened with problems that {@code check()} reports, refused at open with
 * {@code IncompatibleFormatException} or {@code HeapCorruptedException}, or operations that throw
 * {@code HeapCorruptedException} (or {@code InvalidOffsetException} for an offset the damage made invalid).
 * Forbidden: any other exception, a JVM crash, a hang; a refusal that does not name field, offset, found and
 * expected; an operation that writes into a live block it was not given; a heap that {@code check()} calls
 * clean and that operations then find damaged.
 *
 * <p>{@code -Dmappedheap.corrupt.mutations=N} sets the number of random mutations (10,000 by default),
 * {@code -Dmappedheap.corrupt.seed=S} the seed (printed).
 */
class CorruptFileSuiteTest {
    private static final int PER_CHILD = 2500;
    private static final int PARALLEL = 2;

    @TempDir
    Path dir;

    /** What the children reported, by family and outcome. */
    private final Map<String, Map<String, Integer>> counts = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> cleanButCorrupted = new ArrayList<>();
    private final List<String> vagueRefusals = new ArrayList<>();
    /** Mutations after which operations had written into live blocks they were not asked to touch. */
    private final Map<String, Integer> bystanderDamage = new TreeMap<>();
    /** Mutations whose open, check and close alone changed the file (see {@link Trial#readOnly}). */
    private final List<String> readOnlyWrites = new ArrayList<>();
    private int readOnlyChecked;

    @Test
    void corruptFilesAreRefusedOrReportedNeverCrashOrHang() throws Exception {
        long seed = Long.getLong("mappedheap.corrupt.seed", 0x5EED_C0FFEEL);
        int randomFlips = Integer.getInteger("mappedheap.corrupt.mutations", 10_000);
        System.out.println("corrupt-file suite: seed=" + seed + " randomMutations=" + randomFlips
                + " (rerun with -Dmappedheap.corrupt.seed=" + seed + ")");
        List<Path> baseFiles = BaseHeaps.build(Files.createDirectories(dir.resolve("bases")), seed);
        List<HeapImage> images = HeapImage.read(baseFiles);
        images.forEach(image -> System.out.println("  base " + image));
        List<Mutations.Mutation> corpus = Mutations.build(images, seed, randomFlips);
        CorpusRun run = new CorpusRun(dir, seed, randomFlips, baseFiles, corpus, List.of());

        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<List<String>>> chunks = new ArrayList<>();
            for (int from = 0; from < corpus.size(); from += PER_CHILD) {
                int start = from;
                int end = Math.min(corpus.size(), from + PER_CHILD);
                chunks.add(pool.submit(() -> run.range(start, end)));
            }
            List<String> lines = new ArrayList<>();
            for (Future<List<String>> chunk : chunks) {
                lines.addAll(chunk.get());
            }
            lines.forEach(line -> tally(line, corpus));
            String log = System.getProperty("mappedheap.corrupt.log");
            if (log != null) { // every outcome with its mutation, for a person looking for holes
                Files.write(Path.of(log), lines.stream().map(l -> describe(l, corpus)).toList());
            }
        } finally {
            pool.shutdownNow();
        }
        print(corpus.size());
        assertThat(failures).as("crashes, hangs and unexpected exceptions").isEmpty();
        assertThat(totalReported()).as("every mutation reported").isEqualTo(corpus.size());
        Map<String, Integer> truncate = counts.get("truncate");
        assertThat(truncate.keySet()).as("every truncation is refused").allMatch(k -> k.startsWith("refused"));
        assertThat(counts.get("header")).as("header damage")
                .containsKeys("refused IncompatibleFormatException", "refused HeapCorruptedException");
        assertThat(counts.get("random")).as("random damage gives every outcome")
                .containsKeys("clean", "problems", "refused HeapCorruptedException", "corrupted");
        for (String family : List.of("list", "tree", "journal", "block")) {
            assertThat(count(family, "problems") + count(family, "corrupted")).as(family + " damage is seen")
                    .isPositive();
        }
        assertThat(bystanderDamage).as("operations that wrote into live blocks they were not given").isEmpty();
        assertThat(readOnlyChecked).as("heaps opened, checked and closed alone").isPositive();
        assertThat(readOnlyWrites).as("open, check() and close of a heap without a live journal wrote nothing")
                .isEmpty();
        assertThat(vagueRefusals).as("refusals that do not name field, offset, found and expected").isEmpty();
        assertThat(cleanButCorrupted)
                .as("a heap check() calls clean must neither make operations fail nor become inconsistent").isEmpty();
    }

    /**
     * The harness itself: a child that really crashes (a write to address 0) or loops forever in the middle
     * of a mutation is reported as a crash or a hang of exactly that mutation, and the mutations after it
     * still run in a new child.
     */
    @Test
    void harnessNamesTheMutationThatCrashedOrHung() throws Exception {
        List<Path> baseFiles = BaseHeaps.build(Files.createDirectories(dir.resolve("bases")), 1);
        List<HeapImage> images = HeapImage.read(baseFiles);
        List<Mutations.Mutation> corpus = Mutations.build(images, 1, 0);
        CorpusRun run = new CorpusRun(dir, 1, 0, baseFiles, corpus, List.of("-Dmappedheap.corrupt.selfTest.crashAt=2",
                "-Dmappedheap.corrupt.selfTest.hangAt=5", "-Dmappedheap.corrupt.hangMillis=1000"));
        List<String> lines = run.range(0, 8);
        assertThat(lines).anyMatch(line -> line.startsWith("crash 2 ") && line.contains("hs_err_pid"));
        assertThat(lines).anyMatch(line -> line.startsWith("hang 5 "));
        for (int id : new int[] {0, 1, 3, 4, 6, 7}) {
            assertThat(lines).anyMatch(line -> line.startsWith("done " + id + " "));
        }
    }

    private int count(String family, String outcome) {
        return counts.getOrDefault(family, Map.of()).getOrDefault(outcome, 0);
    }

    private int totalReported() {
        return counts.values().stream().flatMap(m -> m.values().stream()).mapToInt(Integer::intValue).sum();
    }

    private static String describe(String line, List<Mutations.Mutation> corpus) {
        int id = Integer.parseInt(line.split(" ", 3)[1]);
        return (id >= 0 ? corpus.get(id) : "?") + " => " + line;
    }

    private void tally(String line, List<Mutations.Mutation> corpus) {
        String[] parts = line.split(" ", 4);
        int id = Integer.parseInt(parts[1]);
        Mutations.Mutation m = id >= 0 ? corpus.get(id) : null;
        if (!line.startsWith("done ")) {
            failures.add(line.length() > 3000 ? line.substring(0, 3000) : line);
            return;
        }
        String outcome = parts[2].equals("refused") ? "refused " + parts[3].split(" ", 2)[0] : parts[2];
        if (parts[2].equals("refused") && !namesTheFacts(parts[3])) {
            vagueRefusals.add(m + " :: " + parts[3]);
        }
        counts.computeIfAbsent(m.family(), f -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
        if (line.contains("readOnly=wrote")) {
            readOnlyWrites.add(m + " :: " + line);
        } else if (line.contains("readOnly=ok")) {
            readOnlyChecked++;
        }
        if (line.contains("bystandersChanged=") && !line.contains("bystandersChanged=0")) {
            bystanderDamage.merge(m.family(), 1, Integer::sum);
        }
        boolean problemsAfter = !line.contains("problemsAfter=0 ");
        if (line.contains("checkClean=true") && (outcome.equals("corrupted") || problemsAfter)) {
            cleanButCorrupted.add(m + " :: " + line);
        }
    }

    /** A refusal names what it found and what it expected (and, for a field, its offset). */
    private static boolean namesTheFacts(String message) {
        boolean found = message.contains("found=") || message.contains("size=");
        boolean where = message.contains("offset=") || message.startsWith("IncompatibleFormatException file too short");
        return found && where && message.contains("expected=");
    }

    private void print(int mutations) {
        System.out.println("corrupt-file suite: " + mutations + " mutations");
        Map<String, Integer> overall = new TreeMap<>();
        counts.forEach((family, outcomes) -> {
            System.out.println("  " + family + ": " + outcomes);
            outcomes.forEach((k, v) -> overall.merge(k, v, Integer::sum));
        });
        System.out.println("  all: " + overall);
        System.out.println("  operations wrote into live blocks they were not given, by family: " + bystanderDamage);
        System.out.println("  opened, checked and closed alone without a change to the file: " + readOnlyChecked
                + "; with a change: " + readOnlyWrites.size());
        readOnlyWrites.stream().limit(10).forEach(f -> System.out.println("    " + f));
        System.out.println("  crashes/hangs/unexpected: " + failures.size());
        failures.stream().limit(20).forEach(f -> System.out.println("    " + f));
        vagueRefusals.stream().limit(10).forEach(f -> System.out.println("    vague: " + f));
        System.out.println("  check clean, then operations threw HeapCorrupted or left problems: "
                + cleanButCorrupted.size());
        cleanButCorrupted.stream().limit(20).forEach(f -> System.out.println("    " + f));
    }

}
