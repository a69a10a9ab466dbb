package dev.mappedheap.allocator.corrupt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.ChildJvm;
import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.LiveJournals;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.allocator.RunningChild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corrupt-file suite: real heaps, built by a seeded workload (one left in the middle of an operation, with
 * a live journal), damaged in every way {@link Mutations} knows, each tried in a child JVM by
 * {@link CorruptHeapChild}: open, check, a bounded set of operations, close. Allowed outcomes: opened clean,
 * opened with problems that {@code check()} reports, refused at open with {@code IncompatibleFormatException}
 * or {@code HeapCorruptedException}, or operations that throw {@code HeapCorruptedException}. Forbidden: any
 * other exception, a JVM crash, a hang.
 *
 * <p>{@code -Dmappedheap.corrupt.mutations=N} sets the number of random mutations (10,000 by default),
 * {@code -Dmappedheap.corrupt.seed=S} the seed (printed).
 */
class CorruptFileSuiteTest {
    private static final int PER_CHILD = 2500;
    private static final int PARALLEL = 2;
    private static final int MAX_RESTARTS = 20;

    @TempDir
    Path dir;

    /** What the children reported, by family and outcome. */
    private final Map<String, Map<String, Integer>> counts = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> cleanButCorrupted = new ArrayList<>();
    private final List<String> vagueRefusals = new ArrayList<>();

    @Test
    void corruptFilesAreRefusedOrReportedNeverCrashOrHang() throws Exception {
        long seed = Long.getLong("mappedheap.corrupt.seed", 0x5EED_C0FFEEL);
        int randomFlips = Integer.getInteger("mappedheap.corrupt.mutations", 10_000);
        System.out.println("corrupt-file suite: seed=" + seed + " randomMutations=" + randomFlips
                + " (rerun with -Dmappedheap.corrupt.seed=" + seed + ")");
        List<Path> baseFiles = buildBases(seed);
        List<HeapImage> images = new ArrayList<>();
        for (Path base : baseFiles) {
            images.add(new HeapImage(base.getFileName().toString(), Files.readAllBytes(base)));
        }
        images.forEach(image -> System.out.println("  base " + image));
        List<Mutations.Mutation> corpus = Mutations.build(images, seed, randomFlips);

        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<List<String>>> chunks = new ArrayList<>();
            for (int from = 0; from < corpus.size(); from += PER_CHILD) {
                int start = from;
                int end = Math.min(corpus.size(), from + PER_CHILD);
                chunks.add(pool.submit(() -> runChunk(seed, randomFlips, start, end, baseFiles, corpus)));
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
        assertThat(total("done")).as("every mutation reported").isEqualTo(corpus.size());
        Map<String, Integer> truncate = counts.get("truncate");
        assertThat(truncate.keySet()).as("every truncation is refused").allMatch(k -> k.startsWith("refused"));
        assertThat(counts.get("header")).as("header damage")
                .containsKeys("refused IncompatibleFormatException", "refused HeapCorruptedException");
        assertThat(counts.get("random")).as("random damage gives every outcome")
                .containsKeys("clean", "problems", "refused HeapCorruptedException", "corrupted");
        for (String family : List.of("list", "tree", "journal", "block")) {
            assertThat(counts.get(family)).as(family + " damage is seen").containsAnyOf(
                    Map.entry("problems", count(family, "problems")), Map.entry("corrupted", count(family, "corrupted")));
        }
        assertThat(vagueRefusals).as("refusals that do not name field, offset, found and expected").isEmpty();
        assertThat(cleanButCorrupted).as("a heap check() calls clean must neither make operations fail nor become inconsistent").isEmpty();
    }

    private int count(String family, String outcome) {
        return counts.getOrDefault(family, Map.of()).getOrDefault(outcome, 0);
    }

    private int total(String what) {
        return counts.values().stream().flatMap(m -> m.values().stream()).mapToInt(Integer::intValue).sum();
    }

    /**
     * Runs mutations {@code from..end-1} in child JVMs: one child for the whole range, and after a crash or a
     * hang a new one from the mutation after the one that failed.
     *
     * @return the children's {@code done} and {@code unexpected} lines, plus a {@code crash}/{@code hang}
     *     line per failed child
     */
    private List<String> runChunk(long seed, int randomFlips, int from, int end, List<Path> bases,
            List<Mutations.Mutation> corpus) throws Exception {
        List<String> result = new ArrayList<>();
        int next = from;
        for (int restart = 0; next < end && restart <= MAX_RESTARTS; restart++) {
            Path work = Files.createDirectories(dir.resolve("child-" + from + "-" + restart));
            List<String> args = new ArrayList<>(List.of(work.toString(), Long.toString(seed),
                    Integer.toString(randomFlips), Integer.toString(next), Integer.toString(end)));
            bases.forEach(b -> args.add(b.toString()));
            List<String> command = ChildJvm.command(List.of("-Xmx256m", "-XX:+UseSerialGC",
                    "-XX:ErrorFile=" + work.resolve("hs_err_pid%p.log"), "-Dmappedheap.corrupt.hangMillis=20000"),
                    CorruptHeapChild.class, args.toArray(String[]::new));
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

    private static String describe(String line, List<Mutations.Mutation> corpus) {
        int id = Integer.parseInt(line.split(" ", 3)[1]);
        return (id >= 0 ? corpus.get(id) : "?") + " => " + line;
    }

    private static String tail(String output) {
        return output.length() > 2000 ? output.substring(output.length() - 2000) : output;
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
        System.out.println("  crashes/hangs/unexpected: " + failures.size());
        failures.stream().limit(20).forEach(f -> System.out.println("    " + f));
        vagueRefusals.stream().limit(10).forEach(f -> System.out.println("    vague: " + f));
        System.out.println("  check clean, then operations threw HeapCorrupted or left problems: " + cleanButCorrupted.size());
        cleanButCorrupted.stream().limit(20).forEach(f -> System.out.println("    " + f));
    }

    // ---------------------------------------------------------------- the base heaps

    /** Heaps built by seeded workloads; the last one is left mid-operation, with a live journal. */
    private List<Path> buildBases(long seed) throws Exception {
        Path bases = Files.createDirectories(dir.resolve("bases"));
        List<Path> files = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        HeapOptions small = HeapOptions.defaults().initialSize(512 << 10).growthIncrement(64 << 10).maxSize(8 << 20);
        files.add(workload(bases.resolve("mixed.heap"), small, random.split(), 500));
        files.add(workload(bases.resolve("grown.heap"), HeapOptions.defaults().initialSize(256 << 10)
                .growthIncrement(64 << 10), random.split(), 900));
        Path fresh = bases.resolve("fresh.heap");
        MappedHeap.create(fresh, HeapOptions.defaults().initialSize(64 << 10).maxSize(1 << 20)).close();
        files.add(fresh);
        Path midAllocate = workload(bases.resolve("mid-allocate.heap"), small, random.split(), 300);
        crash(midAllocate, heap -> heap.allocate(5000), 5);
        files.add(midAllocate);
        Path midFree = workload(bases.resolve("mid-free.heap"), small, random.split(), 400);
        long victim = liveTreeSizedBlock(midFree);
        crash(midFree, heap -> {
            heap.free(victim);
            return 0;
        }, 4);
        files.add(midFree);
        return files;
    }

    private static void crash(Path file, java.util.function.ToLongFunction<MappedHeap> op, int atWrite) {
        assertThat(LiveJournals.crashDuring(file, op, atWrite)).as("the operation reaches write " + atWrite).isTrue();
    }

    private static long liveTreeSizedBlock(Path file) throws Exception {
        HeapImage image = new HeapImage("probe", Files.readAllBytes(file));
        return image.live.stream().filter(b -> b.size() >= 8192).findFirst().orElseThrow().payload();
    }

    /** Allocations and frees of mixed sizes (small, medium, tree-sized), with some payload written. */
    private static Path workload(Path file, HeapOptions options, SplittableRandom random, int steps) {
        try (MappedHeap heap = MappedHeap.create(file, options)) {
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < steps; i++) {
                if (live.isEmpty() || random.nextInt(10) < 6) {
                    int kind = random.nextInt(10);
                    long size = kind < 5 ? random.nextInt(8, 256) : kind < 8 ? random.nextInt(256, 6000)
                            : random.nextInt(8000, 60000);
                    long p = heap.allocate(size);
                    heap.writeLong(p, p ^ seedOf(random));
                    live.add(p);
                } else {
                    heap.free(live.remove(random.nextInt(live.size())));
                }
            }
            assertThat(heap.check().ok()).as("the base heap is consistent").isTrue();
        }
        return file;
    }

    private static long seedOf(SplittableRandom random) {
        return random.nextLong();
    }
}
