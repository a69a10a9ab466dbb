// Benchmark layer: OrderedLongMap against TreeMap, Chronicle Map and LMDB on 1,000,000 random long keys.
package dev.mappedheap.jmh.map;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.jmh.ForkedWithHeapFlags;
import dev.mappedheap.structs.map.OrderedLongMap;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.map.ChronicleMap;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Point operations on 1,000,000 random long keys with 8-byte values ({@link MapKeys}): {@code get} of an
 * existing key, {@code put} that replaces an existing key's value, and {@code rank}, on
 * <ul>
 *   <li>{@link OrderedLongMap} in a {@link MappedHeap} file (node size a {@code @Param});
 *   <li>{@code java.util.TreeMap<Long, Long>} (on-heap, not persistent; its rank is
 *       {@code headMap(k).size()}, which walks the submap: O(n), shown for scale only);
 *   <li>Chronicle Map 2026.1, {@code ChronicleMap<Long, Long>} persisted to a file, {@code entries(1M)},
 *       defaults otherwise; {@code get} returns a boxed copy, {@code put} returns the old value;
 *   <li>lmdbjava 0.9.3 (LMDB 0.9.33), ByteBuffer proxy, {@code MDB_NOSYNC}, 8-byte big-endian keys; gets in
 *       one long read transaction, puts in write transactions of 1,000 each (as in kv-peers-RESULTS.md).
 * </ul>
 * No ordered peer has a cheap rank, so rank is measured for OrderedLongMap (and TreeMap for scale).
 *
 * <p>Every benchmark method uses only its own implementation's state, so each forked JVM loads one
 * implementation. The fork gets its flags from {@link ForkedWithHeapFlags}, which include what Chronicle
 * Map and lmdbjava need on JDK 17 ({@code shared/bench/kv-peers-RESULTS.md}, "JVM flags"); files go to
 * {@code java.io.tmpdir} and are deleted at the end.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OrderedMapBench extends ForkedWithHeapFlags {

    /** The keys and the probe sequence; the benchmarks run one thread, and the maps' setups need the keys. */
    @State(Scope.Benchmark)
    public static class Probes {
        MapKeys keys;

        @Setup(Level.Trial)
        public void setUp() {
            keys = new MapKeys();
        }
    }

    /** OrderedLongMap with all keys, in a heap file in a fresh temporary directory. */
    @State(Scope.Benchmark)
    public static class HeapMap {
        @Param({"1024"})
        public int nodeSize;

        Path dir;
        MappedHeap heap;
        OrderedLongMap map;

        @Setup(Level.Trial)
        public void setUp(Probes probes) throws IOException {
            dir = Files.createTempDirectory("ordered-map-bench");
            heap = MappedHeap.create(dir.resolve("map.heap"),
                    HeapOptions.defaults().initialSize(64L << 20).growthIncrement(64L << 20));
            map = OrderedLongMap.create(heap, Long.BYTES, nodeSize);
            for (long key : probes.keys.keys) {
                map.put(key, key);
            }
            if (map.size() != MapKeys.COUNT || !map.check().ok()) {
                throw new IllegalStateException("map not built right: " + map + " " + map.check());
            }
            System.out.println("# MAP " + map + " heap " + heap.stats());
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            if (!map.check().ok()) {
                throw new IllegalStateException("map damaged by the run: " + map.check());
            }
            heap.close();
            deleteTree(dir);
        }
    }

    /** TreeMap with all keys. */
    @State(Scope.Benchmark)
    public static class JavaTreeMap {
        TreeMap<Long, Long> map;

        @Setup(Level.Trial)
        public void setUp(Probes probes) {
            map = new TreeMap<>();
            for (long key : probes.keys.keys) {
                map.put(key, key);
            }
        }
    }

    /** Chronicle Map with all keys, persisted to a file in a fresh temporary directory. */
    @State(Scope.Benchmark)
    public static class Chronicle {
        Path dir;
        ChronicleMap<Long, Long> map;

        @Setup(Level.Trial)
        public void setUp(Probes probes) throws IOException {
            dir = Files.createTempDirectory("chronicle-map-bench");
            map = ChronicleMap.of(Long.class, Long.class)
                    .name("ordered-map-bench")
                    .entries(MapKeys.COUNT)
                    .createPersistedTo(dir.resolve("chronicle.map").toFile());
            for (long key : probes.keys.keys) {
                map.put(key, key);
            }
            if (map.size() != MapKeys.COUNT) {
                throw new IllegalStateException("chronicle map not built right: size=" + map.size());
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            map.close();
            deleteTree(dir);
        }
    }

    /** LMDB with all keys, in a fresh temporary directory. */
    @State(Scope.Benchmark)
    public static class Lmdb {
        private static final int PUTS_PER_TXN = 1000;
        Path dir;
        Env<ByteBuffer> env;
        Dbi<ByteBuffer> dbi;
        Txn<ByteBuffer> readTxn;
        Txn<ByteBuffer> writeTxn;
        int writesInTxn;
        final ByteBuffer key = ByteBuffer.allocateDirect(8).order(ByteOrder.BIG_ENDIAN);
        final ByteBuffer value = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());

        @Setup(Level.Trial)
        public void setUp(Probes probes) throws IOException {
            dir = Files.createTempDirectory("lmdb-bench");
            env = Env.create().setMapSize(1L << 30).setMaxDbs(1)
                    .open(dir.toFile(), EnvFlags.MDB_NOSYNC, EnvFlags.MDB_NOTLS);
            dbi = env.openDbi("bench", DbiFlags.MDB_CREATE);
            long[] keys = probes.keys.keys;
            for (int start = 0; start < keys.length; start += 10_000) {
                try (Txn<ByteBuffer> txn = env.txnWrite()) {
                    for (int i = start; i < Math.min(keys.length, start + 10_000); i++) {
                        dbi.put(txn, key.clear().putLong(0, keys[i]), value.clear().putLong(0, keys[i]));
                    }
                    txn.commit();
                }
            }
        }

        @Setup(Level.Iteration)
        public void openTxns() {
            readTxn = env.txnRead();
        }

        @TearDown(Level.Iteration)
        public void closeTxns() {
            readTxn.close();
            if (writeTxn != null) {
                writeTxn.commit();
                writeTxn.close();
                writeTxn = null;
            }
        }

        long get(long k) {
            ByteBuffer found = dbi.get(readTxn, key.clear().putLong(0, k));
            return found == null ? -1 : found.order(ByteOrder.nativeOrder()).getLong(0);
        }

        long put(long k, long v) {
            if (writeTxn == null) {
                writeTxn = env.txnWrite();
            }
            dbi.put(writeTxn, key.clear().putLong(0, k), value.clear().putLong(0, v));
            if (++writesInTxn == PUTS_PER_TXN) {
                writeTxn.commit();
                writeTxn.close();
                writeTxn = null;
                writesInTxn = 0;
            }
            return v;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            dbi.close();
            env.close();
            deleteTree(dir);
        }
    }

    // ---------------------------------------------------------------- get

    @Benchmark
    public long mappedheapGet(HeapMap s, Probes p) {
        return s.map.get(p.keys.nextKey(), -1);
    }

    @Benchmark
    public Long treeMapGet(JavaTreeMap s, Probes p) {
        return s.map.get(p.keys.nextKey());
    }

    @Benchmark
    public Long chronicleGet(Chronicle s, Probes p) {
        return s.map.get(p.keys.nextKey());
    }

    @Benchmark
    public long lmdbGet(Lmdb s, Probes p) {
        return s.get(p.keys.nextKey());
    }

    // ---------------------------------------------------------------- put (replace)

    @Benchmark
    public boolean mappedheapPut(HeapMap s, Probes p) {
        long key = p.keys.nextKey();
        return s.map.put(key, ~key);
    }

    @Benchmark
    public Long treeMapPut(JavaTreeMap s, Probes p) {
        long key = p.keys.nextKey();
        return s.map.put(key, ~key);
    }

    @Benchmark
    public Long chroniclePut(Chronicle s, Probes p) {
        long key = p.keys.nextKey();
        return s.map.put(key, ~key);
    }

    @Benchmark
    public long lmdbPut(Lmdb s, Probes p) {
        long key = p.keys.nextKey();
        return s.put(key, ~key);
    }

    // ---------------------------------------------------------------- rank

    @Benchmark
    public long mappedheapRank(HeapMap s, Probes p) {
        return s.map.rank(p.keys.nextKey());
    }

    @Benchmark
    public int treeMapRank(JavaTreeMap s, Probes p) {
        return s.map.headMap(p.keys.nextKey()).size();
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
