// Structs layer, log: the invariant walk behind HeapLog.check().
package dev.mappedheap.structs.log;

import static dev.mappedheap.structs.log.LogLayout.*;

import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.MappedHeap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks a log under its lock and collects what contradicts the format: the segment chain (live blocks of the
 * segment size, of this log, indices one apart, ending at the tail segment), every entry header up to each
 * END word and up to the tail, the tail's header word (0), the {@code retiring} word (0 outside a reclaim),
 * and the listener table (valid states and names, unique names, acknowledged positions on entry boundaries
 * between the first segment and the tail). Every walk is bounded by the heap's size.
 */
final class LogChecker {
    private final HeapLog log;
    private final MappedHeap heap;
    private final long header;
    private final long mask;
    private final int shift;
    private final List<String> problems = new ArrayList<>();

    LogChecker(HeapLog log) {
        this.log = log;
        this.heap = log.heap();
        this.header = log.header();
        this.mask = log.mask();
        this.shift = log.shift();
    }

    LogCheckReport check() {
        long segments = 0;
        long blocks = 1;
        long entries = 0;
        int listeners = 0;
        try {
            long tailPosition = heap.readVolatileLong(header + TAIL_POSITION_OFFSET);
            long tailSegment = heap.readVolatileLong(header + TAIL_SEGMENT_OFFSET);
            long retiring = heap.readVolatileLong(header + RETIRING_OFFSET);
            if (retiring != 0) {
                problem("retiring word set outside a reclaim: retiring=" + retiring);
            }
            log.checkPosition(tailPosition, "tailPosition");
            long[] acks = registeredAcks();
            listeners = acks.length;
            Arrays.sort(acks);
            int nextAck = 0;
            long limit = log.maxSegments();
            long segment = heap.readVolatileLong(header + FIRST_SEGMENT_OFFSET);
            long index = log.readIndex(segment);
            long firstPosition = (index << shift) + SEGMENT_HEADER_LENGTH;
            while (nextAck < acks.length && acks[nextAck] < firstPosition) {
                problem("acknowledged position before the first segment: ack=" + acks[nextAck] + " first="
                        + firstPosition);
                nextAck++;
            }
            while (true) {
                log.validateSegment(segment, index, "segment");
                segments++;
                blocks++;
                if (segments > limit) {
                    problem("segment chain longer than the heap holds: segments=" + segments);
                    break;
                }
                boolean isTail = segment == tailSegment;
                long at = SEGMENT_HEADER_LENGTH;
                while (true) {
                    long position = (index << shift) + at;
                    while (nextAck < acks.length && acks[nextAck] < position) {
                        problem("acknowledged position is not an entry boundary: ack=" + acks[nextAck]);
                        nextAck++;
                    }
                    while (nextAck < acks.length && acks[nextAck] == position) {
                        nextAck++;
                    }
                    if (isTail && position == tailPosition) {
                        break;
                    }
                    long word = heap.readVolatileLong(segment + at);
                    if (word == END_WORD) {
                        break;
                    }
                    if (word == 0) {
                        problem("unpublished entry before the tail: position=" + position + " tail=" + tailPosition);
                        return report(segments, blocks, entries, listeners);
                    }
                    at += stride(log.entryLength(word, position));
                    entries++;
                }
                if (isTail) {
                    long word = heap.readVolatileLong(segment + (tailPosition & mask));
                    if (word != 0) {
                        problem("tail header word not 0: position=" + tailPosition + " word=0x" + Long.toHexString(word));
                    }
                    long spare = heap.readVolatileLong(segment + SEGMENT_NEXT);
                    if (spare != 0) {
                        heap.usableSize(spare); // a next segment set up in advance by a producer that died
                        blocks++;
                    }
                    break;
                }
                segment = log.nextSegment(segment, index);
                index++;
            }
            if ((tailPosition >>> shift) != index) {
                problem("tail position not in the tail segment: tailPosition=" + tailPosition + " tailIndex=" + index);
            }
            for (; nextAck < acks.length; nextAck++) {
                problem("acknowledged position past the tail: ack=" + acks[nextAck] + " tail=" + tailPosition);
            }
        } catch (HeapException e) {
            problem(e.getMessage());
        }
        return report(segments, blocks, entries, listeners);
    }

    /** @return the acknowledged positions of the registered listeners; checks names on the way */
    private long[] registeredAcks() {
        List<Long> acks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < log.listenerCapacity(); i++) {
            byte[] name = log.nameAt(i);
            if (name == null) {
                continue;
            }
            String text = new String(name, StandardCharsets.UTF_8);
            if (!names.add(text)) {
                problem("listener name registered twice: name=" + text);
            }
            acks.add(heap.readVolatileLong(slot(header, i) + SLOT_ACK));
        }
        return acks.stream().mapToLong(Long::longValue).toArray();
    }

    private void problem(String message) {
        if (problems.size() < LogCheckReport.MAX_PROBLEMS) {
            problems.add(message + " (headerOffset=" + header + ")");
        }
    }

    private LogCheckReport report(long segments, long blocks, long entries, int listeners) {
        return new LogCheckReport(problems, segments, blocks, entries, listeners);
    }
}
