// Inspector layer: the stats command.
package dev.mappedheap.inspector;

import dev.mappedheap.allocator.HeapStats;
import dev.mappedheap.allocator.MappedHeap;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;

/**
 * {@code stats HEAP}: usage (live and free blocks and bytes, the top) and fragmentation (largest free extent,
 * a histogram of free-block sizes, one ratio), from one walk of the blocks.
 */
@Command(name = "stats", description = "Usage (live and free blocks and bytes) and a fragmentation summary.")
final class StatsCommand extends HeapCommand {
    private static final int BAR_WIDTH = 30;

    @Override
    int run(MappedHeap heap) {
        HeapStats stats = heap.stats();
        HeapSurvey survey = HeapSurvey.of(heap, null, progressBar());
        long capacity = survey.walk.capacity();
        long heapStart = survey.walk.heapStart();
        field("capacity", Units.bytesExact(capacity));
        field("header+journal", row("", Units.bytes(heapStart), Units.percent(heapStart, capacity)));
        field("live", row(Units.count(survey.walk.liveBlocks()) + " blocks", Units.bytes(survey.walk.liveBytes()),
                Units.percent(survey.walk.liveBytes(), capacity)));
        field("free", row(Units.count(survey.walk.freeBlocks()) + " blocks", Units.bytes(survey.walk.freeBytes()),
                Units.percent(survey.walk.freeBytes(), capacity)));
        field("top (unused)", row("", Units.bytes(survey.topBytes()), Units.percent(survey.topBytes(), capacity)));
        field("largest free", Units.bytes(survey.largestFreeExtent())
                + (survey.topBytes() >= survey.histogram.largest() && survey.topBytes() > 0 ? " (the top)" : "")
                + "; largest free block " + Units.bytes(survey.histogram.largest()));
        field("fragmentation", String.format(Locale.ROOT, "%.3f  (1 - largest free extent / all free bytes;"
                + " 0 = one piece)", survey.fragmentation()));
        field("recoveries", Units.count(stats.recoveries()) + "  (lock takeovers " + Units.count(stats.lockTakeovers())
                + ")");
        printHistogram(survey.histogram.buckets());
        if (survey.changedNote() != null) {
            out().println();
            out().println(survey.changedNote());
        }
        if (!survey.walk.complete()) {
            out().println();
            out().println("walk stopped early, figures cover the blocks before it: " + survey.walk.problem());
            out().println("run `check`, then `repair`");
            return Inspector.EXIT_PROBLEMS;
        }
        return 0;
    }

    private static String row(String blocks, String bytes, String percent) {
        return String.format(Locale.ROOT, "%-16s %10s  %6s", blocks, bytes, percent);
    }

    private void printHistogram(List<FreeSizeHistogram.Bucket> buckets) {
        out().println();
        if (buckets.isEmpty()) {
            out().println("free-block sizes: no free blocks");
            return;
        }
        out().println(String.format(Locale.ROOT, "%-26s %10s %12s", "free-block sizes", "blocks", "bytes"));
        long most = buckets.stream().mapToLong(FreeSizeHistogram.Bucket::bytes).max().orElse(1);
        for (FreeSizeHistogram.Bucket b : buckets) {
            int bar = (int) Math.ceil(BAR_WIDTH * (double) b.bytes() / most);
            String range = Units.bytes(b.from()) + " .. " + Units.bytes(b.to() - 1);
            out().println(String.format(Locale.ROOT, "  %-24s %10s %12s  %s", range, Units.count(b.blocks()),
                    Units.bytes(b.bytes()), "#".repeat(bar)));
        }
    }
}
