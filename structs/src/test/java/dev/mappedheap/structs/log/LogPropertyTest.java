package dev.mappedheap.structs.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.roots.NamedRoots;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random appends, reads, acknowledgements, (un)registrations, listener restarts and heap close/reopen against
 * one pair of {@link ArrayDeque}s per listener (entries read but not acknowledged, entries not read yet).
 * Small segments, so entries cross segment ends and segments are freed and reused all the time. Every few
 * steps {@code check()} must be clean and the heap must hold exactly the log's blocks (nothing leaked).
 *
 * <p>{@code -Dmappedheap.log.seed=S} replays a run (the seed is printed), {@code -Dmappedheap.log.steps=N}
 * makes it longer (default 6000).
 */
class LogPropertyTest {
    private static final long SEED = Long.getLong("mappedheap.log.seed", System.nanoTime());
    private static final int STEPS = Integer.getInteger("mappedheap.log.steps", 6000);
    private static final int SEGMENT = 4096;
    private static final int LISTENERS = 4;

    @TempDir Path dir;

    /** What one listener should see: entries read since its last ack, and entries not read yet. */
    private static final class Model {
        final ArrayDeque<byte[]> readNotAcked = new ArrayDeque<>();
        final ArrayDeque<byte[]> unread = new ArrayDeque<>();

        void rewind() { // a restarted reader starts again at the last acknowledgement
            for (Iterator<byte[]> it = readNotAcked.descendingIterator(); it.hasNext();) {
                unread.addFirst(it.next());
            }
            readNotAcked.clear();
        }
    }

    private MappedHeap heap;
    private HeapLog log;
    private final Map<String, Model> models = new LinkedHashMap<>();
    private final Map<String, LogListener> handles = new LinkedHashMap<>();

    @Test
    void matchesDequeModelsAcrossReopens() {
        System.out.println("log property test: seed=" + SEED + " steps=" + STEPS);
        Random random = new Random(SEED);
        Path file = dir.resolve("log.heap");
        heap = MappedHeap.create(file, HeapOptions.defaults().initialSize(1 << 20));
        log = HeapLog.create(heap, SEGMENT, LISTENERS);
        NamedRoots.open(heap).put("log", log.offset());
        long fixed = heap.stats().liveBlocks() - log.check().blocks();
        byte[] buffer = new byte[SEGMENT];
        int names = 0;
        int checks = 0;
        try {
            for (int step = 0; step < STEPS; step++) {
                String at = "seed=" + SEED + " step=" + step;
                int op = random.nextInt(100);
                if (op < 35) {
                    int length = random.nextInt(12) == 0 ? random.nextInt(log.maxEntryLength() + 1) : random.nextInt(200);
                    byte[] entry = new byte[length];
                    random.nextBytes(entry);
                    log.append(entry);
                    models.values().forEach(m -> m.unread.addLast(entry));
                } else if (op < 70 && !models.isEmpty()) {
                    String name = pick(random);
                    Model model = models.get(name);
                    int length = handles.get(name).read(buffer);
                    byte[] expected = model.unread.pollFirst();
                    if (expected == null) {
                        assertThat(length).as("%s: %s has nothing to read", at, name).isEqualTo(-1);
                    } else {
                        assertThat(length).as("%s: %s entry length", at, name).isEqualTo(expected.length);
                        assertThat(java.util.Arrays.copyOf(buffer, length)).as("%s: %s entry", at, name).isEqualTo(expected);
                        model.readNotAcked.addLast(expected);
                    }
                } else if (op < 84 && !models.isEmpty()) {
                    String name = pick(random);
                    handles.get(name).ack();
                    models.get(name).readNotAcked.clear();
                } else if (op < 88) {
                    if (models.size() < LISTENERS) {
                        String name = "listener-" + names++;
                        handles.put(name, log.register(name));
                        models.put(name, new Model());
                    }
                } else if (op < 91 && !models.isEmpty()) {
                    String name = pick(random);
                    assertThat(log.unregister(name)).isTrue();
                    assertThat(handles.remove(name).isClosed()).isTrue();
                    models.remove(name);
                } else if (op < 94 && !models.isEmpty()) {
                    String name = pick(random); // the reader goes away without acknowledging and comes back
                    handles.get(name).close();
                    handles.put(name, log.listener(name));
                    models.get(name).rewind();
                } else if (op < 96) {
                    reopen(file);
                } else {
                    LogCheckReport report = log.check();
                    assertThat(report.ok()).as("%s: %s", at, report).isTrue();
                    assertThat(report.listeners()).isEqualTo(models.size());
                    assertThat(heap.stats().liveBlocks()).as("%s: nothing leaked (%s)", at, report)
                            .isEqualTo(fixed + report.blocks());
                    checks++;
                }
            }
            // everyone reads and acknowledges everything: all space but the segment appends go to is freed
            for (String name : new ArrayList<>(models.keySet())) {
                Model model = models.get(name);
                for (byte[] expected; (expected = model.unread.pollFirst()) != null;) {
                    assertThat(handles.get(name).read(buffer)).isEqualTo(expected.length);
                }
                assertThat(handles.get(name).read(buffer)).isEqualTo(-1);
                handles.get(name).ack();
            }
            LogCheckReport report = log.check();
            assertThat(report.ok()).as("%s", report).isTrue();
            assertThat(report.segments()).as("everything acknowledged: %s", report).isEqualTo(1);
            for (String name : new ArrayList<>(models.keySet())) {
                assertThat(log.unregister(name)).isTrue();
            }
            assertThat(log.listeners()).isEmpty();
            report = log.check().orThrow();
            assertThat(heap.stats().liveBlocks()).as("%s", report).isEqualTo(fixed + report.blocks());
            assertThat(report.blocks()).isEqualTo(2);
            assertThat(heap.check().ok()).isTrue();
            System.out.println("log property test: " + checks + " checks, " + names + " listeners registered, tail="
                    + log.tailPosition());
        } finally {
            heap.close();
        }
    }

    private String pick(Random random) {
        List<String> names = new ArrayList<>(models.keySet());
        return names.get(random.nextInt(names.size()));
    }

    private void reopen(Path file) {
        heap.close();
        heap = MappedHeap.open(file);
        log = HeapLog.open(heap, NamedRoots.open(heap).get("log").orElseThrow());
        for (String name : handles.keySet()) {
            handles.put(name, log.listener(name)); // the old instance is closed: its readers are dead
            models.get(name).rewind();
        }
    }
}
