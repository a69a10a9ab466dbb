// Inspector layer: the dump command.
package dev.mappedheap.inspector;

import dev.mappedheap.allocator.HeapInfo;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.allocator.WalkReport;
import dev.mappedheap.allocator.format.BlockLayout;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dump HEAP OFFSET}: the block that contains an offset (a payload offset as {@code allocate} returned
 * it, a block's start, or any byte inside): its header fields, then a hex and ASCII dump of its bytes after
 * the head, at most {@code --length} of them.
 */
@Command(name = "dump", description = "Header fields of the block containing OFFSET, and a hex+ASCII dump of its"
        + " payload.")
final class DumpCommand extends HeapCommand {
    private static final int LINE = 16;

    @Parameters(index = "1", paramLabel = "OFFSET", description = "an offset in the heap: decimal, or hex with 0x")
    String offsetText;

    @Option(names = {"-n", "--length"}, paramLabel = "BYTES", defaultValue = "256",
            description = "dump at most this many payload bytes (default: ${DEFAULT-VALUE})")
    int length;

    @Override
    int run(MappedHeap heap) {
        long offset = parseOffset();
        if (length < 0) {
            throw new InspectorException("--length must not be negative: length=" + length);
        }
        HeapInfo info = heap.info();
        if (offset < info.heapStart() || offset >= info.top()) {
            String where = offset < 0 || offset >= info.capacity() ? "outside the heap"
                    : offset < info.heapStart() ? "in the header and journal, before the first block"
                    : "in the top region, which holds no blocks";
            out().println("offset " + Units.offset(offset) + " is " + where + ": heapStart=" + info.heapStart()
                    + " top=" + info.top() + " capacity=" + info.capacity());
            return Inspector.EXIT_PROBLEMS;
        }
        long[] found = {-1, 0};
        WalkReport walk = heap.walk((block, size, inUse) -> {
            if (offset >= block && offset < block + size) {
                found[0] = block;
                found[1] = size;
            }
        });
        // a complete walk covers every block below its top: it missed the offset only because the top moved down
        // after info() read it (another process freed the last block), a change the walk itself cannot see
        if (found[0] < 0 && (walk.changedDuringWalk() || walk.complete())) {
            out().println("the blocks around offset " + Units.offset(offset) + " changed while dump looked at them"
                    + " (another process works on the heap): run dump again");
            return Inspector.EXIT_PROBLEMS;
        }
        if (found[0] < 0) {
            out().println("offset " + Units.offset(offset) + " lies past an unreadable block head: "
                    + walk.problem());
            out().println("run `check`, then `repair`");
            return Inspector.EXIT_PROBLEMS;
        }
        printBlock(heap, info, offset, found[0], found[1]);
        return 0;
    }

    private long parseOffset() {
        try {
            return Long.decode(offsetText.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new InspectorException("not an offset: " + offsetText + " (decimal, or hex with 0x)");
        }
    }

    private void printBlock(MappedHeap heap, HeapInfo info, long offset, long block, long size) {
        long head = heap.readLong(block);
        boolean inUse = BlockLayout.inUse(head);
        long payload = block + BlockLayout.HEADER_LENGTH;
        String where = offset == block ? "" : offset == payload ? "  (the block of payload " + Units.count(offset) + ")"
                : "  (contains " + Units.count(offset) + ", " + (offset > payload ? "payload +" + (offset - payload)
                : "in the block's header") + ")";
        field("block", Units.offset(block) + where);
        field("payload", Units.offset(payload));
        field("size", Units.bytes(size) + (size >= 1024 ? " (" + Units.count(size) + " bytes)" : "")
                + ", usable " + Units.count(size - BlockLayout.HEADER_LENGTH) + " bytes");
        field("head", String.format(Locale.ROOT, "0x%016x  CINUSE=%d PINUSE=%d", head, inUse ? 1 : 0,
                BlockLayout.prevInUse(head) ? 1 : 0));
        if (inUse) {
            long check = heap.readLong(block + BlockLayout.CHECK_OFFSET);
            boolean right = check == BlockLayout.checkWord(block, size, info.salt());
            field("state", "in use");
            field("check word", String.format(Locale.ROOT, "0x%016x  (%s)", check, right ? "right"
                    : "WRONG: not the check word of this offset and size"));
        } else {
            boolean tree = size >= BlockLayout.TREE_MIN_BLOCK;
            field("state", tree ? "free, in the free tree" : "free, on exact-size list " + (size >>> 4));
            long a = heap.readLong(block + 8);
            long b = heap.readLong(block + 16);
            field(tree ? "left, right" : "next, prev", Units.count(a) + ", " + Units.count(b));
            if (tree) {
                field("height", Units.count(heap.readLong(block + BlockLayout.HEIGHT_OFFSET)));
            }
            long footer = heap.readLong(block + size - 8);
            field("footer", Units.count(footer) + (footer == size ? "" : "  (WRONG: should equal the size)"));
        }
        long available = size - BlockLayout.HEADER_LENGTH;
        int shown = (int) Math.min(available, length);
        out().println();
        out().println((inUse ? "payload" : "bytes after the head") + ", " + Units.count(shown) + " of "
                + Units.count(available) + " bytes:");
        hexDump(heap, payload, shown);
    }

    private void hexDump(MappedHeap heap, long from, int count) {
        byte[] bytes = new byte[count];
        heap.read(from, bytes, 0, count);
        for (int line = 0; line < count; line += LINE) {
            StringBuilder hex = new StringBuilder();
            StringBuilder ascii = new StringBuilder();
            for (int i = 0; i < LINE; i++) {
                if (i == LINE / 2) {
                    hex.append(' ');
                }
                if (line + i < count) {
                    int b = bytes[line + i] & 0xFF;
                    hex.append(String.format(Locale.ROOT, "%02x ", b));
                    ascii.append(b >= 0x20 && b < 0x7F ? (char) b : '.');
                } else {
                    hex.append("   ");
                }
            }
            out().println(String.format(Locale.ROOT, "  %010x  %s |%s|", from + line, hex, ascii));
        }
    }
}
