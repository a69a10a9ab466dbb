// Inspector layer: the check command.
package dev.mappedheap.inspector;

import dev.mappedheap.allocator.CheckReport;
import dev.mappedheap.allocator.MappedHeap;
import picocli.CommandLine.Command;

/** {@code check HEAP}: every invariant of the format, one line per problem; exit code 1 when there are any. */
@Command(name = "check", description = "Check every block, free list and tree node; exit code 1 on problems.")
final class CheckCommand extends HeapCommand {

    @Override
    int run(MappedHeap heap) {
        CheckReport report = heap.check(progressBar());
        out().println("walked " + Units.count(report.blocksWalked()) + " blocks, "
                + Units.count(report.freeListBlocks()) + " on free lists, " + Units.count(report.treeNodes())
                + " in the free tree");
        return printResult(report);
    }

    /** Prints {@code ok} or the problems; @return the exit code */
    int printResult(CheckReport report) {
        if (report.ok()) {
            out().println("ok");
            return 0;
        }
        out().println(report.problems().size() + " problem" + (report.problems().size() == 1 ? "" : "s") + ":");
        for (String problem : report.problems()) {
            out().println("  " + problem);
        }
        return Inspector.EXIT_PROBLEMS;
    }
}
