package dev.mappedheap.allocator.corrupt;

import dev.mappedheap.allocator.CheckReport;
import dev.mappedheap.allocator.HeapCorruptedException;
import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.HeapFullException;
import dev.mappedheap.allocator.IncompatibleFormatException;
import dev.mappedheap.allocator.InvalidOffsetException;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.allocator.format.HeaderLayout;
import dev.mappedheap.allocator.format.JournalLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * One mutated heap, tried: open it, check it, run a bounded set of operations, check again, close. Every
 * outcome the contract allows is counted; anything else (another exception type) escapes as
 * {@link Unexpected}, and a crash or hang never returns at all (the parent sees those).
 */
final class Trial {
    /** An outcome the contract forbids: an exception of the wrong type from an operation. */
    static final class Unexpected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unexpected(String operation, Throwable cause) {
            super("operation=" + operation + " threw " + cause, cause);
        }
    }

    private static final int CHURN_STEPS = 40;

    private final MappedHeap heap;
    private final long seed;
    private int corrupted;
    private int offsetsRefused;
    private int full;
    private String firstCorruption;

    private Trial(MappedHeap heap, long seed) {
        this.heap = heap;
        this.seed = seed;
    }

    /**
     * @return one line: {@code refused <Exception> <message>}, {@code clean ...}, {@code problems N ...} or
     *     {@code corrupted N ...}
     */
    static String run(Path file, HeapImage base, long seed) {
        MappedHeap heap;
        try {
            heap = MappedHeap.open(file);
        } catch (IncompatibleFormatException | HeapCorruptedException e) {
            return "refused " + e.getClass().getSimpleName() + " " + oneLine(e.getMessage());
        } catch (RuntimeException | Error e) {
            throw new Unexpected("open", e);
        }
        Trial trial = new Trial(heap, seed);
        String outcome;
        try {
            outcome = trial.exercise(base);
        } finally {
            try {
                heap.close();
            } catch (RuntimeException | Error e) {
                throw new Unexpected("close", e);
            }
        }
        return outcome;
    }

    /**
     * Opens the mutated heap, checks it and closes it, then compares the file with what was written: nothing
     * may change but the lock word and the two statistics (a takeover of a dead holder's lock), unless the
     * journal had live entries for recovery to restore.
     *
     * @return {@code readOnly=ok}, {@code readOnly=skipped} (a live journal, or refused at open), or
     *     {@code readOnly=wrote@OFFSET}
     */
    static String readOnly(Path file, MutableFile written) {
        long seq = written.length >= HeaderLayout.HEADER_LENGTH + JournalLayout.ENTRY_LENGTH
                ? written.getLong(HeaderLayout.JOURNAL_SEQ_OFFSET) : 0;
        if (written.length < HeaderLayout.HEADER_LENGTH + JournalLayout.ENTRY_LENGTH
                || written.getLong(JournalLayout.DEFAULT_JOURNAL_OFFSET + JournalLayout.SEQ_OFFSET) == seq) {
            return "readOnly=skipped";
        }
        try (MappedHeap heap = MappedHeap.open(file)) {
            heap.check();
        } catch (HeapException e) {
            return "readOnly=skipped"; // refused at open, or recovery failed: the full trial reports it
        }
        byte[] after;
        try {
            after = java.nio.file.Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (int i = 0; i < written.length; i++) {
            boolean lockOrStatistic = (i >= HeaderLayout.LOCK_WORD_OFFSET && i < HeaderLayout.LOCK_WORD_OFFSET + 8)
                    || (i >= HeaderLayout.LOCK_TAKEOVERS_OFFSET && i < HeaderLayout.RECOVERIES_OFFSET + 8);
            if (after[i] != written.bytes[i] && !lockOrStatistic) {
                return "readOnly=wrote@" + i;
            }
        }
        return after.length == written.length ? "readOnly=ok" : "readOnly=wrote@length" + after.length;
    }

    private String exercise(HeapImage base) {
        int problems = check();
        long[] bystanders = bystanders(base);
        long[] before = snapshot(bystanders);
        boolean checkClean = problems == 0;
        attempt("stats", false, false, () -> heap.stats().capacity());
        attempt("root", false, false, heap::root);
        List<Long> mine = new ArrayList<>();
        for (long size : allocationSizes(base)) {
            long p = attempt("allocate " + size, false, true, () -> heap.allocate(size));
            if (p > 0) {
                mine.add(p);
            }
        }
        byte[] buffer = new byte[64];
        for (long p : pickPayloads(base)) {
            attempt("read " + p, true, false, () -> {
                heap.read(p, buffer, 0, buffer.length);
                return 0;
            });
            attempt("usableSize " + p, true, false, () -> heap.usableSize(p));
            long moved = attempt("reallocate " + p, true, true, () -> heap.reallocate(p, 100));
            long victim = moved > 0 ? moved : p;
            attempt("free " + victim, true, false, () -> {
                heap.free(victim);
                return 0;
            });
        }
        if (!mine.isEmpty()) {
            long holder = mine.get(mine.size() - 1);
            long linked = attempt("allocateInto " + holder, true, true, () -> heap.allocateInto(holder, 0, 40));
            if (linked > 0) {
                attempt("freeFrom " + holder, true, false, () -> heap.freeFrom(holder, 0));
            }
            attempt("setRoot " + holder, true, false, () -> {
                heap.setRoot(holder);
                return 0;
            });
        }
        for (int i = 0; i < mine.size(); i++) {
            long p = mine.get(i);
            long resized = i % 2 == 0 ? attempt("reallocate mine " + p, true, true, () -> heap.reallocate(p, 3000)) : p;
            long victim = resized > 0 ? resized : p;
            attempt("free mine " + victim, true, false, () -> {
                heap.free(victim);
                return 0;
            });
        }
        churn(new SplittableRandom(seed));
        attempt("stats", false, false, () -> heap.stats().liveBlocks());
        int after = check();
        String counts = " problemsAfter=" + after + " offsetsRefused=" + offsetsRefused + " full=" + full
                + " bystandersChanged=" + changed(before, snapshot(bystanders));
        if (corrupted > 0) {
            return "corrupted " + corrupted + " checkClean=" + checkClean + counts + " first=" + firstCorruption;
        }
        return (checkClean ? "clean 0" : "problems " + problems) + " checkClean=" + checkClean + counts;
    }

    /**
     * @return the payloads of the intact heap's live blocks that no operation here frees or resizes: their
     *     first words must come out of the operations as they went in, or a damaged link made the allocator
     *     write into a block the program still owns
     */
    private static long[] bystanders(HeapImage base) {
        java.util.Set<Long> picked = new java.util.HashSet<>();
        for (long p : pickPayloads(base)) {
            picked.add(p);
        }
        // blocks an interrupted operation was changing are what recovery puts back: not bystanders
        return base.live.stream().filter(b -> !base.journalTouches(b)).mapToLong(HeapImage.Block::payload)
                .filter(p -> !picked.contains(p)).toArray();
    }

    /** The check word and the first two payload words of each block, or -1 markers where unreadable. */
    private long[] snapshot(long[] payloads) {
        long[] words = new long[payloads.length * 3];
        for (int i = 0; i < payloads.length; i++) {
            for (int w = 0; w < 3; w++) {
                try {
                    words[3 * i + w] = heap.readLong(payloads[i] - 8 + 8L * w);
                } catch (InvalidOffsetException e) {
                    words[3 * i + w] = 0xDEAD_0FF5E7L; // a damaged capacity left the word outside the heap
                }
            }
        }
        return words;
    }

    private static int changed(long[] before, long[] after) {
        int blocks = 0;
        for (int i = 0; i < before.length; i += 3) {
            if (before[i] != after[i] || before[i + 1] != after[i + 1] || before[i + 2] != after[i + 2]) {
                blocks++;
            }
        }
        return blocks;
    }

    /**
     * A short seeded run of allocations, reallocations and frees of mixed sizes, so that whatever damage the
     * targeted operations did not meet is met by an allocator that keeps working on top of it.
     */
    private void churn(SplittableRandom random) {
        List<Long> live = new ArrayList<>();
        for (int i = 0; i < CHURN_STEPS; i++) {
            int roll = random.nextInt(10);
            if (live.isEmpty() || roll < 5) {
                long size = random.nextInt(4) == 0 ? random.nextInt(8000, 50000) : random.nextInt(0, 3000);
                long p = attempt("churn allocate " + size, false, true, () -> heap.allocate(size));
                if (p > 0) {
                    live.add(p);
                }
            } else if (roll < 7) {
                int at = random.nextInt(live.size());
                long p = live.get(at);
                long size = random.nextInt(0, 20000);
                long q = attempt("churn reallocate " + p, true, true, () -> heap.reallocate(p, size));
                if (q > 0) {
                    live.set(at, q);
                }
            } else {
                long p = live.remove(random.nextInt(live.size()));
                attempt("churn free " + p, true, false, () -> {
                    heap.free(p);
                    return 0;
                });
            }
        }
    }

    /** @return the problems {@code check()} reported, or -1 when it threw HeapCorruptedException */
    private int check() {
        long[] count = {-1};
        attempt("check", false, false, () -> {
            CheckReport report = heap.check();
            count[0] = report.problems().size();
            return 0;
        });
        return (int) count[0];
    }

    /**
     * Live payloads of the intact heap (first, middle, last, tree-sized, and the neighbours of free blocks,
     * whose frees merge through the free structures) and a freed one: what a program might still hold.
     */
    private static long[] pickPayloads(HeapImage base) {
        List<Long> picks = new ArrayList<>();
        List<HeapImage.Block> blocks = base.blocks;
        int n = base.live.size();
        for (int i : new int[] {0, n / 2, n - 1}) {
            if (i >= 0 && i < n) {
                picks.add(base.live.get(i).payload());
            }
        }
        base.live.stream().filter(b -> b.size() >= 8192).findFirst().ifPresent(b -> picks.add(b.payload()));
        for (int i = 0, found = 0; i < blocks.size() && found < 4; i++) {
            if (!blocks.get(i).inUse()) {
                found++;
                if (i > 0) {
                    picks.add(blocks.get(i - 1).payload());
                }
                if (i + 1 < blocks.size()) {
                    picks.add(blocks.get(i + 1).payload());
                }
            }
        }
        if (!base.listed.isEmpty()) {
            picks.add(base.listed.get(0).payload());
        }
        return picks.stream().mapToLong(Long::longValue).distinct().toArray();
    }

    /**
     * Sizes that take the free blocks of the intact heap off their lists and out of the tree (exactly, and
     * with a split), so the allocator walks whatever damage those structures hold; plus one from the top.
     */
    private static long[] allocationSizes(HeapImage base) {
        List<Long> sizes = new ArrayList<>(List.of(0L, 24L, 200L, 40000L));
        for (int i = 0; i < Math.min(3, base.listed.size()); i++) {
            sizes.add(base.listed.get(i).size() - 16);
        }
        for (int i = 0; i < Math.min(2, base.treeNodes.size()); i++) {
            sizes.add(base.treeNodes.get(i).size() - 16);
            sizes.add(base.treeNodes.get(i).size() / 2);
        }
        return sizes.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Runs one operation and counts an allowed failure.
     *
     * @param callerOffset the operation takes an offset the caller holds, which the damage may have made
     *     invalid: {@link InvalidOffsetException} is then an allowed answer
     * @param mayBeFull the operation may need to grow the file: {@link HeapFullException} is allowed
     * @return the operation's result, or -1 when it failed as allowed
     */
    private long attempt(String operation, boolean callerOffset, boolean mayBeFull, LongSupplier op) {
        try {
            return op.getAsLong();
        } catch (HeapCorruptedException e) {
            if (corrupted++ == 0) {
                firstCorruption = operation + ": " + oneLine(e.getMessage());
            }
        } catch (InvalidOffsetException e) {
            // the caller's offset may no longer name a live block; but an access outside the file by the
            // allocator itself, following a damaged link, is corruption and must be reported as such
            if (!callerOffset || !(operation.startsWith("read") || e.getMessage().startsWith("not a live block"))) {
                throw new Unexpected(operation, e);
            }
            offsetsRefused++;
        } catch (HeapFullException e) {
            if (!mayBeFull) {
                throw new Unexpected(operation, e);
            }
            full++;
        } catch (RuntimeException | Error e) {
            throw new Unexpected(operation, e);
        }
        return -1;
    }

    private static String oneLine(String message) {
        String s = String.valueOf(message).replace('\n', ' ');
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
