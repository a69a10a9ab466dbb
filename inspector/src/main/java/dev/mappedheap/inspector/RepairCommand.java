// Inspector layer: the repair command.
package dev.mappedheap.inspector;

import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.allocator.RepairReport;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code repair HEAP}: rebuilds what the block tags determine (free lists, tree, counters, footers, PINUSE),
 * quarantines ranges whose tags cannot be read, and checks again; exit code 1 when problems remain.
 */
@Command(name = "repair", description = "Rebuild the free lists, free tree and counters from the block tags;"
        + " quarantine unreadable ranges. Exit code 1 when problems remain.")
final class RepairCommand extends HeapCommand {
    /** Problems found before the repair that are printed; the rest are counted. */
    private static final int SHOWN = 8;

    @Override
    int run(MappedHeap heap) {
        RepairReport report = heap.repair(progressBar());
        if (report.before().ok()) {
            out().println("check found no problem: nothing to repair");
            return 0;
        }
        List<String> found = report.before().problems();
        out().println("before: " + found.size() + " problem" + (found.size() == 1 ? "" : "s")
                + (found.size() > SHOWN ? ", the first " + SHOWN + ":" : ":"));
        found.stream().limit(SHOWN).forEach(p -> out().println("  " + p));
        out().println(report.rebuilt().isEmpty() ? "rebuilt: nothing" : "rebuilt (words rewritten):");
        report.rebuilt().forEach(line -> out().println("  " + line));
        if (report.unreadable().isEmpty()) {
            out().println("unreadable ranges: none");
        } else {
            out().println("unreadable ranges: " + report.unreadable().size());
            for (RepairReport.UnreadableRange range : report.unreadable()) {
                String fate = range.quarantinedPayload() != 0
                        ? "kept as one block in use: payload " + Units.offset(range.quarantinedPayload())
                        + " (inspect it with dump, then free it)"
                        : "too short for data: given to the free space";
                out().println("  " + Units.offset(range.offset()) + " + " + Units.bytes(range.length()) + ": "
                        + fate);
                out().println("    " + range.reason());
            }
        }
        out().print("after: ");
        if (report.ok()) {
            out().println("ok");
            return 0;
        }
        out().println(report.after().problems().size() + " problems remain");
        report.after().problems().forEach(p -> out().println("  " + p));
        return Inspector.EXIT_PROBLEMS;
    }
}
