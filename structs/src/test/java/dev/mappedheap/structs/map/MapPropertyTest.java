package dev.mappedheap.structs.map;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.MappedHeap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random steps on an {@link OrderedLongMap} and on a {@link TreeMap} model side by side: put, remove,
 * get, floor/ceiling/lower/higher, rank, select, ranges, full iteration both ways, and close/reopen of the
 * heap, with {@code check()} every {@value #CHECK_EVERY} steps. Keys come from skewed sources (a dense range,
 * sequential appends like IMAP UIDs, the full long range, the extremes, keys already present), in phases
 * that grow and shrink the tree so splits and merges reach every level. Each seed also fixes the node size
 * (tiny nodes for tall trees) and the value width (8-byte longs or 20-byte values).
 *
 * <p>Replay a failure, or run longer, with:
 *
 * <pre>
 * mvn -B -pl structs -am verify -Dtest=MapPropertyTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dmappedheap.map.seeds=SEED -Dmappedheap.map.steps=N
 * </pre>
 */
class MapPropertyTest {
    private static final long[] DEFAULT_SEEDS = {1L, 2L, 3L, 42L, 0xC0FFEEL, 20_260_101L, -7L, 0x5DEECE66DL};
    private static final int STEPS = Integer.getInteger("mappedheap.map.steps", 8000);
    private static final int CHECK_EVERY = 50;
    private static final int PHASE_LENGTH = 2000;
    private static final int[] NODE_SIZES = {128, 128, 192, 256, 512, 4096};

    @TempDir
    Path dir;

    static long[] seeds() {
        String given = System.getProperty("mappedheap.map.seeds");
        if (given == null || given.isBlank()) {
            return DEFAULT_SEEDS;
        }
        return Arrays.stream(given.split(",")).map(String::trim).mapToLong(Long::decode).toArray();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void behavesLikeTreeMap(long seed) {
        Run run = new Run(seed, dir);
        try {
            run.steps(STEPS);
        } finally {
            run.heap.close();
        }
    }

    /** One seeded run: the map, the model, and where the run is, for the failure message. */
    private static final class Run {
        final SplittableRandom random;
        final long seed;
        final Path file;
        final int valueWidth;
        final int nodeSize;
        final NavigableMap<Long, Long> model = new TreeMap<>();
        MappedHeap heap;
        OrderedLongMap map;
        long nextUid = 1;
        int step;
        int maxHeight;
        int maxSize;
        int minSizeAfterPeak;
        String op = "create";

        Run(long seed, Path dir) {
            this.seed = seed;
            this.random = new SplittableRandom(seed);
            this.valueWidth = random.nextBoolean() ? 8 : 20;
            // 20-byte values need 192-byte nodes for the 4 entries a leaf must hold
            this.nodeSize = Math.max(NODE_SIZES[random.nextInt(NODE_SIZES.length)], valueWidth == 8 ? 128 : 192);
            this.heap = MapTestSupport.newHeap(dir);
            this.file = heap.file();
            this.map = OrderedLongMap.create(heap, valueWidth, nodeSize);
            heap.setRoot(map.headerOffset());
        }

        void steps(int steps) {
            for (step = 0; step < steps; step++) {
                try {
                    step();
                    maxHeight = Math.max(maxHeight, map.height());
                    maxSize = Math.max(maxSize, model.size());
                    minSizeAfterPeak = model.size() == maxSize ? maxSize : Math.min(minSizeAfterPeak, model.size());
                    if (step % CHECK_EVERY == CHECK_EVERY - 1) {
                        op = "check";
                        assertThat(map.check().ok()).as("%s", map.check()).isTrue();
                        assertThat(map.size()).isEqualTo(model.size());
                    }
                } catch (Throwable t) {
                    throw new AssertionError("seed=" + seed + " step=" + step + " op=" + op + " nodeSize=" + nodeSize
                            + " valueWidth=" + valueWidth + " size=" + model.size() + ": " + t
                            + "\n  replay: mvn -B -pl structs -am verify -Dtest=MapPropertyTest"
                            + " -Dsurefire.failIfNoSpecifiedTests=false -Dmappedheap.map.seeds=" + seed
                            + " -Dmappedheap.map.steps=" + (step + 1), t);
                }
            }
            op = "final check";
            assertThat(map.check().ok()).as("%s", map.check()).isTrue();
            assertThat(MapTestSupport.keys(map)).containsExactlyElementsOf(model.keySet());
            // the run must have reached tall trees and shrunk them again, or it proved little
            assertThat(maxHeight).as("tallest tree (nodeSize=%d)", nodeSize).isGreaterThanOrEqualTo(nodeSize <= 192 ? 4 : nodeSize <= 512 ? 3 : 2);
            assertThat(minSizeAfterPeak).as("smallest size after the peak of %d", maxSize).isLessThan(maxSize / 4);
        }

        private boolean growing() {
            return (step / PHASE_LENGTH) % 2 == 0;
        }

        void step() {
            int dice = random.nextInt(100);
            int putShare = growing() ? 50 : 15;
            int removeShare = growing() ? 12 : 50;
            if (dice < putShare) {
                put(key());
            } else if (dice < putShare + removeShare) {
                remove(model.isEmpty() || random.nextInt(4) == 0 ? key() : presentKey());
            } else if (dice < putShare + removeShare + 8) {
                get(key());
            } else if (dice < putShare + removeShare + 16) {
                neighbours(key());
            } else if (dice < putShare + removeShare + 24) {
                ranks(key());
            } else if (dice < putShare + removeShare + 30) {
                range(key(), key());
            } else if (dice < putShare + removeShare + 31) {
                iterateAll();
            } else if (dice < putShare + removeShare + 32) {
                reopen();
            } else {
                put(key());
            }
        }

        /** A key from one of the skewed sources. */
        long key() {
            int source = random.nextInt(10);
            switch (source) {
                case 0, 1, 2:
                    return random.nextLong(-50, 250); // dense range
                case 3, 4:
                    return nextUid++; // sequential appends
                case 5:
                    return random.nextBoolean() ? Long.MIN_VALUE + random.nextInt(4) : Long.MAX_VALUE - random.nextInt(4);
                case 6, 7:
                    return model.isEmpty() ? random.nextLong() : presentKey();
                default:
                    return random.nextLong();
            }
        }

        /** A key in the model, uniformly. */
        long presentKey() {
            return model.keySet().stream().skip(random.nextInt(model.size())).findFirst().orElseThrow();
        }

        void put(long key) {
            op = "put " + key;
            long value = random.nextLong();
            boolean inserted = valueWidth == 8 ? map.put(key, value) : map.put(key, bytes(value));
            assertThat(inserted).as("put reports a new key").isEqualTo(!model.containsKey(key));
            model.put(key, value);
        }

        void remove(long key) {
            op = "remove " + key;
            assertThat(map.remove(key)).as("remove reports presence").isEqualTo(model.remove(key) != null);
        }

        void get(long key) {
            op = "get " + key;
            Long expected = model.get(key);
            if (valueWidth == 8) {
                assertThat(map.get(key, Long.MIN_VALUE)).isEqualTo(expected == null ? Long.MIN_VALUE : expected);
            } else {
                byte[] dst = new byte[valueWidth];
                assertThat(map.get(key, dst)).isEqualTo(expected != null);
                if (expected != null) {
                    assertThat(dst).isEqualTo(bytes(expected));
                }
            }
            assertThat(map.containsKey(key)).isEqualTo(expected != null);
        }

        void neighbours(long key) {
            op = "floor/ceiling/lower/higher " + key;
            assertThat(box(map.floorKey(key))).as("floor").isEqualTo(model.floorKey(key));
            assertThat(box(map.ceilingKey(key))).as("ceiling").isEqualTo(model.ceilingKey(key));
            assertThat(box(map.lowerKey(key))).as("lower").isEqualTo(model.lowerKey(key));
            assertThat(box(map.higherKey(key))).as("higher").isEqualTo(model.higherKey(key));
        }

        void ranks(long key) {
            op = "rank/select " + key;
            long rank = model.headMap(key, false).size();
            assertThat(map.rank(key)).as("rank").isEqualTo(rank);
            if (!model.isEmpty()) {
                long index = random.nextLong(model.size());
                Long expected = model.keySet().stream().skip(index).findFirst().orElseThrow();
                op = "select " + index;
                assertThat(map.select(index)).as("select").isEqualTo(expected);
                MapCursor c = map.cursor();
                c.seekIndex(index);
                assertThat(c.key()).isEqualTo(expected);
                assertThat(value(c)).isEqualTo(model.get(expected));
            }
        }

        void range(long a, long b) {
            long from = Math.min(a, b);
            long to = Math.max(a, b);
            op = "range [" + from + ", " + to + "]";
            List<Long> seen = new ArrayList<>();
            long visited = map.forEach(from, to, (key, valueOffset) -> {
                seen.add(key);
                assertThat(readValue(valueOffset)).isEqualTo(model.get(key));
                return seen.size() < 500;
            });
            List<Long> expected = model.subMap(from, true, to, true).keySet().stream().limit(500).toList();
            assertThat(seen).isEqualTo(expected);
            assertThat(visited).isEqualTo(expected.size());
        }

        void iterateAll() {
            op = "iterate";
            MapCursor c = map.cursor();
            List<Long> forward = new ArrayList<>();
            for (boolean on = c.seekFirst(); on; on = c.next()) {
                forward.add(c.key());
                assertThat(value(c)).isEqualTo(model.get(c.key()));
            }
            assertThat(forward).containsExactlyElementsOf(model.keySet());
            List<Long> backward = new ArrayList<>();
            for (boolean on = c.seekLast(); on; on = c.previous()) {
                backward.add(c.key());
            }
            assertThat(backward).containsExactlyElementsOf(model.descendingKeySet());
        }

        void reopen() {
            op = "reopen";
            long header = map.headerOffset();
            heap.close();
            heap = MappedHeap.open(file);
            assertThat(heap.root()).isEqualTo(header);
            map = OrderedLongMap.open(heap, heap.root());
            assertThat(map.size()).isEqualTo(model.size());
        }

        private long value(MapCursor c) {
            return readValue(c.valueOffset());
        }

        private long readValue(long valueOffset) {
            if (valueWidth == 8) {
                return heap.readLong(valueOffset);
            }
            byte[] dst = new byte[valueWidth];
            heap.read(valueOffset, dst, 0, valueWidth);
            assertThat(dst).isEqualTo(bytes(heap.readLong(valueOffset)));
            return heap.readLong(valueOffset);
        }

        /** A wide value: the long, little-endian, then its bytes again reversed, then a marker. */
        private byte[] bytes(long value) {
            byte[] b = new byte[valueWidth];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (value >>> (8 * i));
                b[8 + i] = (byte) (value >>> (56 - 8 * i));
            }
            for (int i = 16; i < valueWidth; i++) {
                b[i] = (byte) (0xA0 + i);
            }
            return b;
        }

        private static Long box(java.util.OptionalLong o) {
            return o.isPresent() ? o.getAsLong() : null;
        }
    }

}
