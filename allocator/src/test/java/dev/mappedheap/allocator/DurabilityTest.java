package dev.mappedheap.allocator;

import static dev.mappedheap.allocator.HeapTestSupport.KIB;
import static dev.mappedheap.allocator.HeapTestSupport.assertConsistent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.format.HeaderLayout;
import dev.mappedheap.allocator.format.JournalLayout;
import dev.mappedheap.allocator.journal.UndoJournal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Durability#SYNC_EACH_OPERATION}: the flushes happen in the order that makes an undo journal safe
 * against power loss (each entry before the word it guards, everything before the commit store, the commit
 * store last), and a durable handle behaves exactly like any other. The ordering is checked by recording
 * the barrier's calls against the journal in the file at every metadata store; a real power cut is not
 * simulated here.
 */
class DurabilityTest {
    private static final long SEED = Long.getLong("mappedheap.test.seed", 0x5EEDL);

    @TempDir Path dir;

    @Test
    void eachJournalEntryIsFlushedBeforeItsWordChangesAndTheCommitIsFlushedLast() throws Exception {
        Path file = dir.resolve("durable.heap");
        HeapOptions options = HeapOptions.defaults().initialSize(256 * KIB).growthIncrement(64 * KIB)
                .durability(Durability.SYNC_EACH_OPERATION);
        try (MappedHeap heap = MappedHeap.create(file, options);
                FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
            assertThat(heap.durability()).isEqualTo(Durability.SYNC_EACH_OPERATION);
            UndoJournal journal = heap.journal();
            Recorder recorder = new Recorder(journal.barrier(), reader);
            journal.barrier(recorder);
            journal.crashHook(recorder::beforeWrite);
            List<Long> blocks = new ArrayList<>();
            for (int i = 0; i < 40; i++) { // enough to grow the file several times
                recorder.startOperation();
                blocks.add(heap.allocate(10 * KIB));
                recorder.assertCommittedLast();
            }
            for (int i = 0; i < blocks.size(); i += 2) {
                recorder.startOperation();
                heap.free(blocks.get(i));
                recorder.assertCommittedLast();
            }
            assertThat(recorder.storesChecked).as("metadata stores checked").isGreaterThan(200);
            assertThat(recorder.freshEntriesSeen).as("carving from the top exercised the unflushed case")
                    .isPositive();
            assertThat(heap.stats().capacity()).as("the file grew").isGreaterThan(256 * KIB);
            journal.crashHook(null);
            assertConsistent(heap);
        }
    }

    /** Records the barrier's calls and, at each metadata store, compares them with the journal in the file. */
    private static final class Recorder implements UndoJournal.Barrier {
        private final UndoJournal.Barrier real;
        private final FileChannel reader;
        private final List<String> events = new ArrayList<>();
        private final java.util.Set<Integer> flushed = new java.util.HashSet<>();
        private long topAtStart;
        private int storesChecked;
        private int freshEntriesSeen;

        Recorder(UndoJournal.Barrier real, FileChannel reader) {
            assertThat(real).as("a durable handle installs a barrier").isNotNull();
            this.real = real;
            this.reader = reader;
        }

        void startOperation() throws IOException {
            events.clear();
            flushed.clear();
            topAtStart = readLong(HeaderLayout.TOP_OFFSET);
        }

        @Override
        public void entryWritten(long entryOffset, int length) {
            long first = (entryOffset - JournalLayout.DEFAULT_JOURNAL_OFFSET) / JournalLayout.ENTRY_LENGTH;
            assertThat(length % JournalLayout.ENTRY_LENGTH).isZero();
            assertThat(first).as("flushes start at the first entry not flushed yet").isEqualTo(flushed.size());
            for (long i = first; i < first + length / JournalLayout.ENTRY_LENGTH; i++) {
                flushed.add((int) i);
            }
            real.entryWritten(entryOffset, length);
            events.add("entry");
        }

        @Override
        public void beforeRetire() {
            real.beforeRetire();
            events.add("before");
        }

        @Override
        public void afterRetire(long seqOffset) {
            assertThat(seqOffset).isEqualTo(HeaderLayout.JOURNAL_SEQ_OFFSET);
            real.afterRetire(seqOffset);
            events.add("after");
        }

        /**
         * At each metadata store: every entry the file's journal holds for this operation was flushed, except
         * entries for words in the never-used top (old value 0, at or past the top when the operation began),
         * which need none.
         */
        void beforeWrite(int writeIndex) {
            try {
                int live = liveEntries();
                for (int i = 0; i < flushed.size(); i++) {
                    assertThat(flushed).as("flushed entries form a prefix (recovery reads a prefix)").contains(i);
                }
                for (int i = 0; i < live; i++) {
                    if (flushed.contains(i)) {
                        continue;
                    }
                    long entry = JournalLayout.DEFAULT_JOURNAL_OFFSET + (long) JournalLayout.ENTRY_LENGTH * i;
                    long address = readLong(entry + JournalLayout.ADDRESS_OFFSET);
                    long old = readLong(entry + JournalLayout.OLD_VALUE_OFFSET);
                    assertThat(address).as("unflushed entry %d before store %d guards a word in the top", i,
                            writeIndex).isGreaterThanOrEqualTo(topAtStart);
                    assertThat(old).as("unflushed entry %d is a fresh word's", i).isZero();
                    freshEntriesSeen++;
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            storesChecked++;
            events.add("store");
        }

        /** The operation ends: stores (with their entries), then the full flush, the commit, its flush. */
        void assertCommittedLast() {
            assertThat(events).as("barrier events of one operation").hasSizeGreaterThan(3);
            int n = events.size();
            assertThat(events.subList(n - 3, n)).containsExactly("store", "before", "after");
            assertThat(events.subList(0, n - 3)).doesNotContain("before", "after");
            assertThat(events).as("an operation that changes metadata flushes entries").contains("entry");
        }

        /** Reads the file (the page cache, shared with the mapping) for the entries stamped with journalSeq. */
        private int liveEntries() throws IOException {
            long seq = readLong(HeaderLayout.JOURNAL_SEQ_OFFSET);
            int live = 0;
            while (readLong(JournalLayout.DEFAULT_JOURNAL_OFFSET + (long) JournalLayout.ENTRY_LENGTH * live
                    + JournalLayout.SEQ_OFFSET) == seq) {
                live++;
            }
            return live;
        }

        private long readLong(long offset) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            while (buffer.hasRemaining()) {
                if (reader.read(buffer, offset + buffer.position()) < 0) {
                    throw new IOException("short read at offset=" + offset);
                }
            }
            return buffer.getLong(0);
        }
    }

    @Test
    void aDurableHandleServesASeededWorkloadLikeAnyOtherAndReopensConsistent() throws Exception {
        System.out.println("DurabilityTest seed=0x" + Long.toHexString(SEED) + " (-Dmappedheap.test.seed=...)");
        Path file = dir.resolve("workload.heap");
        HeapOptions options = HeapOptions.defaults().initialSize(128 * KIB).growthIncrement(64 * KIB)
                .durability(Durability.SYNC_EACH_OPERATION);
        SplittableRandom random = new SplittableRandom(SEED);
        List<long[]> live = new ArrayList<>(); // offset, value written
        try (MappedHeap heap = MappedHeap.create(file, options)) {
            for (int i = 0; i < 300; i++) {
                int choice = random.nextInt(10);
                if (choice < 5 || live.isEmpty()) {
                    long block = heap.allocate(8 + random.nextInt(3000));
                    long value = random.nextLong();
                    heap.writeLong(block, value);
                    live.add(new long[] {block, value});
                } else if (choice < 8) {
                    heap.free(live.remove(random.nextInt(live.size()))[0]);
                } else {
                    long[] entry = live.get(random.nextInt(live.size()));
                    entry[0] = heap.reallocate(entry[0], 8 + random.nextInt(6000));
                }
                heap.syncIfDurable();
            }
            heap.setRoot(live.isEmpty() ? 0 : live.get(0)[0]);
            assertConsistent(heap);
        }
        // openOrCreate of an existing file takes the durability of its options, and keeps the file's sizes
        try (MappedHeap heap = MappedHeap.openOrCreate(file, HeapOptions.defaults().initialSize(64 << 20)
                .durability(Durability.SYNC_EACH_OPERATION))) {
            assertThat(heap.durability()).isEqualTo(Durability.SYNC_EACH_OPERATION);
            assertThat(heap.stats().liveBlocks()).isEqualTo(live.size());
            for (long[] entry : live) {
                assertThat(heap.readLong(entry[0])).isEqualTo(entry[1]);
            }
            assertConsistent(heap);
        }
        try (MappedHeap heap = MappedHeap.open(file)) {
            assertThat(heap.durability()).as("the mode belongs to the handle, not the file")
                    .isEqualTo(Durability.EXPLICIT_SYNC);
            assertThat(heap.journal().barrier()).as("no flushes by default").isNull();
        }
    }

    @Test
    void syncAndSyncRangeFlushTheHeapAndRefuseWhatIsNotInIt() throws Exception {
        MappedHeap heap = MappedHeap.create(dir.resolve("sync.heap"), HeapOptions.defaults());
        try {
            long block = heap.allocate(100);
            heap.writeLong(block, 42);
            heap.syncRange(block, 100);
            heap.sync();
            heap.syncIfDurable(); // does nothing in the default mode; must not fail either
            long capacity = heap.stats().capacity();
            assertThatThrownBy(() -> heap.syncRange(0, 8)).isInstanceOf(InvalidOffsetException.class)
                    .hasMessageContaining("offset=0");
            assertThatThrownBy(() -> heap.syncRange(capacity - 8, 16)).isInstanceOf(InvalidOffsetException.class);
            assertThatThrownBy(() -> heap.syncRange(block, -1)).isInstanceOf(IllegalArgumentException.class);
            assertConsistent(heap);
        } finally {
            heap.close();
        }
        assertThatThrownBy(heap::sync).isInstanceOf(IllegalStateException.class);
    }
}
