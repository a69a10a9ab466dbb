// Inspector layer: what every command that opens a heap shares.
package dev.mappedheap.inspector;

import dev.mappedheap.allocator.MappedHeap;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A command on one heap file: opens it (which also rolls back an operation a crash interrupted, as every open
 * does), runs, closes it. Output goes to the command line's writers, so tests can capture it.
 */
abstract class HeapCommand implements Callable<Integer> {
    /** Width of the label column in {@code label  value} lines. */
    static final int LABEL_WIDTH = 17;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HEAP", description = "the heap file")
    Path file;

    @Option(names = "--progress", negatable = true, description = "draw a progress bar on stderr: always "
            + "(--progress), never (--no-progress); by default for heaps of 128 MiB of blocks or more")
    Boolean progress;

    @Override
    public final Integer call() {
        try (MappedHeap heap = Inspector.open(file)) {
            return run(heap);
        }
    }

    /** @return the exit code */
    abstract int run(MappedHeap heap);

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    ProgressBar progressBar() {
        ProgressBar.Mode mode = progress == null ? ProgressBar.Mode.AUTO
                : progress ? ProgressBar.Mode.ALWAYS : ProgressBar.Mode.NEVER;
        return new ProgressBar(err(), mode);
    }

    /** Prints {@code label            value}, the value column aligned. */
    void field(String label, String value) {
        out().println(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s%s", label, value));
    }
}
