// Inspector layer: the command line. Commands live in *Command classes; this one wires them up.
package dev.mappedheap.inspector;

import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.MappedHeap;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code mappedheap-inspector}: looks at a heap file, live (other processes using it) or not. Commands:
 * {@code info}, {@code stats}, {@code check}, {@code repair}, {@code dump}, {@code map}.
 *
 * <p>Exit codes: 0 fine; 1 the heap has problems (check, repair, a walk that stopped early); 2 the file cannot
 * be used (missing, not a heap, another format version, a header that contradicts itself) or the command line
 * is wrong; 3 anything unexpected. Expected failures print one line on stderr, no stack trace.
 */
@Command(name = "mappedheap-inspector", mixinStandardHelpOptions = true,
        version = "mappedheap-inspector 0.1.0 (reads heap format version 1)",
        description = "Looks at a mappedheap file, live or not.",
        subcommands = {InfoCommand.class, StatsCommand.class, CheckCommand.class, RepairCommand.class,
            DumpCommand.class, MapCommand.class, CommandLine.HelpCommand.class})
public final class Inspector implements Runnable {
    /** Exit code: the heap has problems. */
    public static final int EXIT_PROBLEMS = 1;
    /** Exit code: the file is not a usable heap, or the command line is wrong. */
    public static final int EXIT_BAD_FILE = 2;
    /** Exit code: an unexpected failure. */
    public static final int EXIT_UNEXPECTED = 3;

    @Spec
    CommandSpec spec;

    /** Without a command: the usage, and exit code 2. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
    }

    /** @return the command line, with the one-line error handling; for {@code main} and tests */
    public static CommandLine commandLine() {
        CommandLine line = new CommandLine(new Inspector());
        line.setExecutionExceptionHandler(Inspector::handle);
        return line;
    }

    /**
     * Runs the inspector and exits with its exit code.
     *
     * @param args a command and its arguments; {@code --help} lists them
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true"); // the map draws into an image, never on a screen
        System.exit(commandLine().execute(args));
    }

    /** Opens a heap for a command, with a clear message when the file is missing or not a regular file. */
    static MappedHeap open(Path file) {
        if (!Files.exists(file)) {
            throw new InspectorException("no such file: " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw new InspectorException("not a regular file: " + file);
        }
        return MappedHeap.open(file);
    }

    private static int handle(Exception e, CommandLine line, ParseResult parsed) {
        PrintWriter err = line.getErr();
        if (e instanceof InspectorException || e instanceof HeapException || e instanceof IOException
                || e instanceof UncheckedIOException) {
            err.println("mappedheap-inspector: " + e.getMessage());
            err.flush();
            return EXIT_BAD_FILE;
        }
        err.println("mappedheap-inspector: unexpected failure: " + e);
        err.flush();
        return EXIT_UNEXPECTED;
    }
}
