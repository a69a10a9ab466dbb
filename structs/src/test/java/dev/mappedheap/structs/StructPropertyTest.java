package dev.mappedheap.structs;

import static dev.mappedheap.structs.StructTestSupport.assertConsistent;
import static dev.mappedheap.structs.StructTestSupport.liveBlocks;
import static dev.mappedheap.structs.StructTestSupport.newHeap;
import static dev.mappedheap.structs.StructTestSupport.reopen;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mappedheap.allocator.MappedHeap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random structs, random field writes, string and byte-string changes of random lengths and random frees,
 * checked against a plain Java model after every few hundred steps, at the end, and after reopening the file.
 *
 * <p>Seeds are pinned; each is printed. Replay one with {@code -Dstructs.seed=N}; run {@code -Dstructs.tries=N}
 * more random seeds (a longer run, e.g. nightly) on top of the pinned ones.
 */
class StructPropertyTest {
    private static final long[] PINNED_SEEDS = {1, 42, 20261122, 0x5EED5EEDL};
    private static final int STEPS = 4_000;
    private static final int MAX_STRUCTS = 150;

    static final StructLayout PROP = StructLayout.builder("Prop", 1)
            .int64("l").int32("i").int16("s").int8("b").bool("z").float64("d").char16("c").float32("f")
            .bytes("raw", 7).ref("ref").string("name").byteString("blob").string("alias")
            .build();
    static final LongField L = PROP.field("l", LongField.class);
    static final IntField I = PROP.field("i", IntField.class);
    static final ShortField S = PROP.field("s", ShortField.class);
    static final ByteField B = PROP.field("b", ByteField.class);
    static final BooleanField Z = PROP.field("z", BooleanField.class);
    static final DoubleField D = PROP.field("d", DoubleField.class);
    static final CharField C = PROP.field("c", CharField.class);
    static final FloatField F = PROP.field("f", FloatField.class);
    static final FixedBytesField RAW = PROP.field("raw", FixedBytesField.class);
    static final RefField REF = PROP.field("ref", RefField.class);
    static final StringField NAME = PROP.field("name", StringField.class);
    static final BytesField BLOB = PROP.field("blob", BytesField.class);
    static final StringField ALIAS = PROP.field("alias", StringField.class);

    /** What one struct should hold: plain Java fields, floats as their raw bits. */
    static final class Model {
        long l;
        int i;
        short s;
        byte b;
        boolean z;
        long dBits;
        char c;
        int fBits;
        byte[] raw = new byte[7];
        long ref;
        String name;
        byte[] blob;
        String alias;

        int ownedBlocks() {
            return (name == null ? 0 : 1) + (blob == null ? 0 : 1) + (alias == null ? 0 : 1);
        }
    }

    @Test
    void structsAgreeWithThePlainModel(@TempDir Path dir) throws Exception {
        List<Long> seeds = new ArrayList<>();
        String replay = System.getProperty("structs.seed");
        if (replay != null) {
            seeds.add(Long.decode(replay));
        } else {
            for (long seed : PINNED_SEEDS) {
                seeds.add(seed);
            }
            Random fresh = new Random();
            for (int t = Integer.getInteger("structs.tries", 0); t > 0; t--) {
                seeds.add(fresh.nextLong());
            }
        }
        for (long seed : seeds) {
            System.out.println("StructPropertyTest seed=" + seed);
            Path run = Files.createDirectory(dir.resolve("seed" + seeds.indexOf(seed)));
            new Run(seed, run).execute();
        }
    }

    /** One seed's run: its heap, its model and its random source. */
    private static final class Run {
        final long seed;
        final Path dir;
        final Random random;
        final Map<Long, Model> models = new HashMap<>();
        final List<Long> offsets = new ArrayList<>();
        MappedHeap heap;
        StructView view;
        int step;
        String lastOp = "none";

        Run(long seed, Path dir) {
            this.seed = seed;
            this.dir = dir;
            this.random = new Random(seed);
        }

        void execute() {
            heap = newHeap(dir);
            try {
                view = PROP.newView(heap);
                long baseline = liveBlocks(heap);
                for (step = 0; step < STEPS; step++) {
                    randomStep();
                    if (step % 500 == 499) {
                        checkAll("step " + step);
                    }
                }
                checkAll("end");
                assertThat(liveBlocks(heap)).as("live blocks: the structs and the blocks they own")
                        .isEqualTo(baseline + models.size() + models.values().stream().mapToInt(Model::ownedBlocks).sum());
                assertConsistent(heap);
                heap = reopen(heap);
                view = PROP.newView(heap);
                checkAll("after reopen");
                for (long offset : offsets) {
                    PROP.free(heap, offset);
                }
                assertThat(liveBlocks(heap)).as("everything freed").isEqualTo(baseline);
                assertConsistent(heap);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("StructPropertyTest failed: seed=" + seed + " step=" + step + " lastOp="
                        + lastOp + "; replay with -Dstructs.seed=" + seed, e);
            } finally {
                heap.close();
            }
        }

        void randomStep() {
            int roll = random.nextInt(100);
            if (offsets.isEmpty() || (roll < 12 && offsets.size() < MAX_STRUCTS)) {
                long offset = PROP.allocate(heap);
                lastOp = "allocate " + offset;
                offsets.add(offset);
                models.put(offset, new Model());
            } else if (roll < 20) {
                long offset = offsets.remove(random.nextInt(offsets.size()));
                lastOp = "free " + offset;
                models.remove(offset);
                PROP.free(heap, offset);
            } else {
                long offset = offsets.get(random.nextInt(offsets.size()));
                Model m = models.get(offset);
                view.wrap(offset);
                if (roll < 75) {
                    writePrimitive(m, random.nextInt(10), offset);
                } else {
                    writeVariable(m, random.nextInt(3), offset);
                }
            }
        }

        void writePrimitive(Model m, int which, long offset) {
            long v = randomLong();
            lastOp = "field " + PROP.fields().get(which).name() + "=" + v + " at " + offset;
            switch (which) {
                case 0 -> L.set(view, m.l = v);
                case 1 -> I.set(view, m.i = (int) v);
                case 2 -> S.set(view, m.s = (short) v);
                case 3 -> B.set(view, m.b = (byte) v);
                case 4 -> Z.set(view, m.z = (v & 1) != 0);
                case 5 -> {
                    m.dBits = v;
                    D.set(view, Double.longBitsToDouble(v));
                }
                case 6 -> C.set(view, m.c = (char) v);
                case 7 -> {
                    m.fBits = (int) v;
                    F.set(view, Float.intBitsToFloat((int) v));
                }
                case 8 -> {
                    int index = random.nextInt(7);
                    if (random.nextBoolean()) {
                        RAW.setByte(view, index, m.raw[index] = (byte) v);
                    } else {
                        random.nextBytes(m.raw);
                        RAW.set(view, m.raw, 0);
                    }
                }
                default -> REF.set(view, m.ref = v & Long.MAX_VALUE);
            }
        }

        void writeVariable(Model m, int which, long offset) {
            boolean isNull = random.nextInt(10) == 0;
            int length = random.nextInt(8) == 0 ? random.nextInt(3000) : random.nextInt(40);
            lastOp = (which == 1 ? "blob" : which == 0 ? "name" : "alias") + (isNull ? "=null" : " length " + length)
                    + " at " + offset;
            if (which == 1) {
                byte[] bytes = isNull ? null : new byte[length];
                if (bytes != null) {
                    random.nextBytes(bytes);
                }
                m.blob = bytes;
                BLOB.set(view, bytes);
            } else {
                String s = isNull ? null : randomString(length);
                if (which == 0) {
                    m.name = s;
                    NAME.set(view, s);
                } else {
                    m.alias = s;
                    ALIAS.set(view, s);
                }
            }
        }

        void checkAll(String when) {
            for (long offset : offsets) {
                Model m = models.get(offset);
                String where = when + ": struct " + offset;
                view.wrap(offset);
                assertThat(L.get(view)).as(where).isEqualTo(m.l);
                assertThat(I.get(view)).as(where).isEqualTo(m.i);
                assertThat(S.get(view)).as(where).isEqualTo(m.s);
                assertThat(B.get(view)).as(where).isEqualTo(m.b);
                assertThat(Z.get(view)).as(where).isEqualTo(m.z);
                assertThat(Double.doubleToRawLongBits(D.get(view))).as(where).isEqualTo(m.dBits);
                assertThat(C.get(view)).as(where).isEqualTo(m.c);
                assertThat(Float.floatToRawIntBits(F.get(view))).as(where).isEqualTo(m.fBits);
                assertThat(RAW.get(view)).as(where).isEqualTo(m.raw);
                assertThat(REF.get(view)).as(where).isEqualTo(m.ref);
                assertThat(NAME.get(view)).as(where).isEqualTo(m.name);
                assertThat(NAME.contentEquals(view, m.name)).as(where).isTrue();
                assertThat(BLOB.get(view)).as(where).isEqualTo(m.blob);
                assertThat(ALIAS.get(view)).as(where).isEqualTo(m.alias);
            }
        }

        long randomLong() {
            return switch (random.nextInt(8)) {
                case 0 -> Long.MIN_VALUE;
                case 1 -> Long.MAX_VALUE;
                case 2 -> 0;
                case 3 -> -1;
                default -> random.nextLong();
            };
        }

        /** Code points from ASCII, Latin/Greek, CJK and the supplementary planes, never a lone surrogate. */
        String randomString(int codePoints) {
            StringBuilder s = new StringBuilder();
            for (int n = 0; n < codePoints; n++) {
                s.appendCodePoint(switch (random.nextInt(4)) {
                    case 0 -> 0x20 + random.nextInt(0x5F);
                    case 1 -> 0xA0 + random.nextInt(0x700);
                    case 2 -> 0x4E00 + random.nextInt(0x5000);
                    default -> 0x10000 + random.nextInt(0x2000);
                });
            }
            return s.toString();
        }
    }
}
