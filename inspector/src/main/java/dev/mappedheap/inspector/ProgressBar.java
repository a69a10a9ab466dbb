// Inspector layer: a text progress bar for long walks.
package dev.mappedheap.inspector;

import dev.mappedheap.allocator.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Draws {@code check   [############--------]  60%  7.2 GiB of 12.0 GiB} on stderr, redrawn in place with a
 * carriage return, a new line at the end of each phase. Shown for walks of at least {@link #AUTO_THRESHOLD}
 * bytes unless forced on or off, so small heaps print nothing extra.
 */
final class ProgressBar implements ProgressListener {
    /** Walks shorter than this finish too fast for a bar to help. */
    static final long AUTO_THRESHOLD = 128L << 20;
    private static final int WIDTH = 30;

    /** When to draw. */
    enum Mode { AUTO, ALWAYS, NEVER }

    private final PrintWriter err;
    private final Mode mode;
    private String lastLine = "";

    ProgressBar(PrintWriter err, Mode mode) {
        this.err = err;
        this.mode = mode;
    }

    @Override
    public void progress(String phase, long doneBytes, long totalBytes) {
        if (mode == Mode.NEVER || (mode == Mode.AUTO && totalBytes < AUTO_THRESHOLD)) {
            return;
        }
        int filled = totalBytes == 0 ? WIDTH : (int) (WIDTH * (double) doneBytes / totalBytes);
        int percent = totalBytes == 0 ? 100 : (int) (100 * (double) doneBytes / totalBytes);
        String line = String.format(Locale.ROOT, "%-7s [%s%s] %3d%%  %s of %s", phase, "#".repeat(filled),
                "-".repeat(WIDTH - filled), percent, Units.bytes(doneBytes), Units.bytes(totalBytes));
        if (line.equals(lastLine)) {
            return;
        }
        err.print("\r" + line);
        if (doneBytes >= totalBytes) {
            err.println();
        }
        err.flush();
        lastLine = line;
    }

    @Override
    public long intervalBytes() {
        return 16L << 20;
    }
}
