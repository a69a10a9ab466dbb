package dev.mappedheap.structs.log;

import static dev.mappedheap.structs.log.LogLayout.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.map.OrderedLongMap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeapLogTest {
    @TempDir Path dir;
    private MappedHeap heap;

    @BeforeEach
    void open() {
        heap = MappedHeap.create(dir.resolve("log.heap"), HeapOptions.defaults().initialSize(1 << 20));
    }

    @AfterEach
    void close() {
        heap.close();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String readString(LogListener listener) {
        byte[] buffer = new byte[8192];
        int length = listener.read(buffer);
        return length < 0 ? null : new String(buffer, 0, length, StandardCharsets.UTF_8);
    }

    @Test
    void listenersReadEveryEntryAppendedAfterTheyRegisteredInOrder() {
        HeapLog log = HeapLog.create(heap, 4096, 4);
        log.append(utf8("before"));
        LogListener a = log.register("a");
        log.append(utf8("one"));
        LogListener b = log.register("b");
        log.append(utf8(""));
        log.append(utf8("three"));
        assertThat(readString(a)).isEqualTo("one");
        assertThat(readString(a)).isEmpty();
        assertThat(readString(a)).isEqualTo("three");
        assertThat(readString(a)).isNull();
        assertThat(readString(b)).isEmpty();
        assertThat(readString(b)).isEqualTo("three");
        assertThat(log.listeners()).containsExactly("a", "b");
        assertThat(log.check().orThrow().entries()).isEqualTo(4);
    }

    @Test
    void pollHandsOutTheEntryInPlace() {
        HeapLog log = HeapLog.create(heap, 4096, 1);
        LogListener listener = log.register("a");
        log.append(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 2, 5);
        assertThat(listener.peekLength()).isEqualTo(5);
        long[] seen = new long[2];
        assertThat(listener.poll((h, offset, length) -> {
            seen[0] = h.readByte(offset);
            seen[1] = length;
        })).isTrue();
        assertThat(seen).containsExactly(3, 5);
        assertThat(listener.poll((h, offset, length) -> {})).isFalse();
    }

    @Test
    void spaceIsRecycledOnceEveryListenerAcknowledged() {
        HeapLog log = HeapLog.create(heap, 4096, 2);
        LogListener fast = log.register("fast");
        LogListener slow = log.register("slow");
        byte[] entry = new byte[500];
        byte[] buffer = new byte[500];
        for (int i = 0; i < 100; i++) {
            log.append(entry);
            assertThat(fast.read(buffer)).isEqualTo(500);
            fast.ack();
        }
        assertThat(log.check().orThrow().segments()).as("the slow listener holds them").isGreaterThan(10);
        while (slow.read(buffer) >= 0) {
            slow.ack();
        }
        LogCheckReport report = log.check().orThrow();
        assertThat(report.segments()).isEqualTo(1);
        long blocks = heap.stats().liveBlocks();
        for (int i = 0; i < 1000; i++) {
            log.append(entry);
            fast.read(buffer);
            fast.ack();
            slow.read(buffer);
            slow.ack();
        }
        assertThat(heap.stats().liveBlocks()).as("segments recycled, not accumulated").isLessThanOrEqualTo(blocks + 1);
    }

    @Test
    void withoutListenersOldSegmentsAreFreedAsAppendsMoveOn() {
        HeapLog log = HeapLog.create(heap, 4096, 2);
        for (int i = 0; i < 1000; i++) {
            log.append(new byte[300]);
        }
        assertThat(log.check().orThrow().segments()).isEqualTo(1);
    }

    @Test
    void unacknowledgedEntriesComeAgainAfterTheListenerIsReopened() {
        HeapLog log = HeapLog.create(heap, 4096, 2);
        LogListener listener = log.register("a");
        for (int i = 0; i < 50; i++) {
            log.append(utf8("entry " + i + " " + "x".repeat(i * 7)));
        }
        for (int i = 0; i < 20; i++) {
            readString(listener);
        }
        listener.ack();
        for (int i = 20; i < 40; i++) {
            readString(listener);
        }
        listener.close();
        LogListener again = log.listener("a");
        assertThat(readString(again)).startsWith("entry 20 ");
        assertThat(again.ackedPosition()).isEqualTo(again.position() - stride(utf8("entry 20 " + "x".repeat(140)).length));
    }

    @Test
    void oneReaderPerListener() {
        HeapLog log = HeapLog.create(heap, 4096, 2);
        LogListener listener = log.register("a");
        assertThatThrownBy(() -> log.listener("a")).isInstanceOf(ListenerBusyException.class).hasMessageContaining("name=a");
        listener.close();
        log.listener("a").close();
        try (MappedHeap other = MappedHeap.open(heap.file())) {
            LogListener remote = HeapLog.open(other, log.offset()).listener("a");
            assertThatThrownBy(() -> log.listener("a")).isInstanceOf(ListenerBusyException.class);
            assertThatThrownBy(() -> log.unregister("a")).isInstanceOf(ListenerBusyException.class);
            remote.close();
        }
        assertThat(log.unregister("a")).isTrue();
        assertThat(log.unregister("a")).isFalse();
    }

    @Test
    void aListenerWhoseReaderClosedWithoutReleasingIsTakenOver() {
        HeapLog log = HeapLog.create(heap, 4096, 2);
        log.register("a").close();
        try (MappedHeap other = MappedHeap.open(heap.file())) {
            HeapLog.open(other, log.offset()).listener("a"); // never closed: its heap instance goes away
        }
        assertThat(log.listener("a").position()).isEqualTo(SEGMENT_HEADER_LENGTH);
    }

    @Test
    void unregisteringClosesTheOpenListener() {
        HeapLog log = HeapLog.create(heap, 4096, 2);
        LogListener listener = log.register("a");
        log.unregister("a");
        assertThat(listener.isClosed()).isTrue();
        assertThatThrownBy(() -> listener.read(new byte[8])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badArgumentsAreRefusedWithTheFacts() {
        HeapLog log = HeapLog.create(heap, 4096, 1);
        assertThatThrownBy(() -> log.append(new byte[log.maxEntryLength() + 1])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxEntryLength=" + log.maxEntryLength());
        log.append(new byte[log.maxEntryLength()]);
        assertThatThrownBy(() -> log.register("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.register("n".repeat(41))).isInstanceOf(IllegalArgumentException.class);
        LogListener a = log.register("a");
        assertThatThrownBy(() -> log.register("a")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already");
        assertThatThrownBy(() -> log.register("b")).isInstanceOf(HeapException.class).hasMessageContaining("full");
        assertThatThrownBy(() -> log.listener("zz")).isInstanceOf(IllegalArgumentException.class);
        log.append(new byte[100]);
        assertThatThrownBy(() -> a.read(new byte[99])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length=100");
        assertThat(a.read(new byte[100])).as("not consumed by the refused read").isEqualTo(100);
        assertThatThrownBy(() -> HeapLog.create(heap, 5000, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeapLog.create(heap, 4096, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void somethingElseIsNotOpenedAsALog() {
        long map = OrderedLongMap.create(heap, 8).headerOffset();
        assertThatThrownBy(() -> HeapLog.open(heap, map)).isInstanceOf(LogFormatException.class)
                .hasMessageContaining("not a log").hasMessageContaining("foundMagic=");
        long small = heap.allocate(32);
        heap.writeLong(small, MAGIC);
        assertThatThrownBy(() -> HeapLog.open(heap, small)).isInstanceOf(LogFormatException.class)
                .hasMessageContaining("too small");
        assertThatThrownBy(() -> HeapLog.open(heap, small + 16)).isInstanceOf(LogFormatException.class)
                .hasMessageContaining("not a live heap block");
        HeapLog log = HeapLog.create(heap, 4096, 1);
        heap.writeInt(log.offset() + FORMAT_VERSION_OFFSET, 2);
        assertThatThrownBy(() -> HeapLog.open(heap, log.offset())).isInstanceOf(LogFormatException.class)
                .hasMessageContaining("foundVersion=2");
        heap.writeInt(log.offset() + FORMAT_VERSION_OFFSET, FORMAT_VERSION);
        HeapLog.open(heap, log.offset());
        heap.writeInt(log.offset() + SEGMENT_SIZE_OFFSET, 8192);
        assertThatThrownBy(() -> HeapLog.open(heap, log.offset())).isInstanceOf(LogCorruptedException.class)
                .hasMessageContaining("checksum");
    }

    @Test
    void aCorruptEntryHeaderIsReportedNotFollowed() {
        HeapLog log = HeapLog.create(heap, 4096, 1);
        LogListener listener = log.register("a");
        log.append(new byte[16]);
        long first = heap.readLong(log.offset() + FIRST_SEGMENT_OFFSET);
        heap.writeLong(first + SEGMENT_HEADER_LENGTH, entryWord(1 << 20));
        assertThatThrownBy(() -> listener.read(new byte[16])).isInstanceOf(LogCorruptedException.class)
                .hasMessageContaining("bad log entry header");
        assertThat(log.check().ok()).isFalse();
        heap.writeLong(first + SEGMENT_HEADER_LENGTH, entryWord(16));
        heap.writeLong(first + SEGMENT_NEXT, first + 64); // not a segment: found out before it is followed
        heap.writeLong(first + SEGMENT_HEADER_LENGTH + stride(16), END_WORD);
        listener.read(new byte[16]);
        assertThatThrownBy(() -> listener.read(new byte[16])).isInstanceOf(LogCorruptedException.class)
                .hasMessageContaining("not a live block");
    }

    @Test
    void awaitReturnsWhenAnEntryArrivesOrAtTheTimeout() throws Exception {
        HeapLog log = HeapLog.create(heap, 4096, 1);
        LogListener listener = log.register("a");
        assertThat(listener.await(20, TimeUnit.MILLISECONDS)).isFalse();
        Thread producer = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            log.append(utf8("late"));
        });
        producer.start();
        assertThat(listener.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(readString(listener)).isEqualTo("late");
        producer.join(10_000);
    }

    /** A heap instance that dies holding the log's lock: its token stays in the lock word. */
    private void lockHeldByDeadInstance(HeapLog log) {
        try (MappedHeap other = MappedHeap.open(heap.file())) {
            heap.writeLong(log.offset() + LOCK_OFFSET, other.ownerToken());
        }
    }

    @Test
    void aDeadProducersUnpublishedEntryIsWrittenOver() {
        HeapLog log = HeapLog.create(heap, 4096, 1);
        LogListener listener = log.register("a");
        log.append(utf8("one"));
        long tail = log.tailPosition();
        long first = heap.readLong(log.offset() + FIRST_SEGMENT_OFFSET);
        for (long at = 8; at < 1000; at += 8) { // a long entry's payload, its header never written
            heap.writeLong(first + (tail & 4095) + at, -1L);
        }
        lockHeldByDeadInstance(log);
        assertThat(readString(listener)).isEqualTo("one");
        assertThat(readString(listener)).as("nothing published").isNull();
        log.append(utf8("two"));
        log.append(utf8("three"));
        assertThat(readString(listener)).isEqualTo("two");
        assertThat(readString(listener)).isEqualTo("three");
        assertThat(readString(listener)).isNull();
        assertThat(log.check().ok()).isTrue();
    }

    @Test
    void aPublishedEntryWhoseTailWasNotMovedIsKept() {
        HeapLog log = HeapLog.create(heap, 4096, 1);
        LogListener listener = log.register("a");
        log.append(utf8("one"));
        long tail = log.tailPosition();
        log.append(utf8("two"));
        heap.writeLong(log.offset() + TAIL_POSITION_OFFSET, tail); // died after publishing, before moving the tail
        lockHeldByDeadInstance(log);
        assertThat(log.check().ok()).as("the lock's new holder settles the tail first").isTrue();
        log.append(utf8("three"));
        assertThat(readString(listener)).isEqualTo("one");
        assertThat(readString(listener)).isEqualTo("two");
        assertThat(readString(listener)).isEqualTo("three");
        assertThat(log.check().ok()).isTrue();
    }

    @Test
    void aReclaimCutShortIsFinishedOrUndone() {
        for (boolean movedFirst : new boolean[] {false, true}) {
            HeapLog log = HeapLog.create(heap, 4096, 1);
            LogListener listener = log.register("a");
            for (int i = 0; i < 20; i++) {
                log.append(new byte[400]);
            }
            // the listener's ack reached the tail and its reclaim died midway
            heap.writeLong(log.offset() + HEADER_LENGTH + SLOT_ACK, log.tailPosition());
            long blocks = heap.stats().liveBlocks();
            long first = heap.readLong(log.offset() + FIRST_SEGMENT_OFFSET);
            long second = heap.readLong(first + SEGMENT_NEXT);
            heap.writeLong(log.offset() + RETIRING_OFFSET, first);
            if (movedFirst) {
                heap.writeLong(log.offset() + FIRST_SEGMENT_OFFSET, second);
            }
            lockHeldByDeadInstance(log);
            LogCheckReport report = log.check(); // takes the lock over: repairs first
            assertThat(report.ok()).as("%s", report).isTrue();
            assertThat(heap.readLong(log.offset() + RETIRING_OFFSET)).isZero();
            assertThat(heap.stats().liveBlocks()).isEqualTo(movedFirst ? blocks - 1 : blocks);
            listener.close();
        }
    }

    @Test
    void aSegmentSwitchCutShortIsFinished() {
        HeapLog log = HeapLog.create(heap, 4096, 1);
        LogListener listener = log.register("a");
        while (heap.readLong(log.offset() + TAIL_SEGMENT_OFFSET) == heap.readLong(log.offset() + FIRST_SEGMENT_OFFSET)) {
            log.append(new byte[300]);
        }
        // roll back the tail words to before the switch, as if the producer died after writing END
        long first = heap.readLong(log.offset() + FIRST_SEGMENT_OFFSET);
        long at = SEGMENT_HEADER_LENGTH;
        while (heap.readLong(first + at) != END_WORD) {
            at += stride((int) heap.readLong(first + at));
        }
        long tailPosition = log.tailPosition();
        heap.writeLong(log.offset() + TAIL_POSITION_OFFSET, at);
        lockHeldByDeadInstance(log);
        log.append(utf8("after"));
        int entries = 0;
        byte[] buffer = new byte[300];
        int length;
        while ((length = listener.read(buffer)) >= 0) {
            entries++;
            assertThat(length).isIn(300, 5);
        }
        assertThat(log.tailPosition()).isEqualTo(tailPosition + stride(5));
        assertThat(log.check().orThrow().entries()).isEqualTo(entries);
    }
}
