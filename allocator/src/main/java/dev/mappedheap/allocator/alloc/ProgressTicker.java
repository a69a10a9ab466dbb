package dev.mappedheap.allocator.alloc;

import dev.mappedheap.allocator.ProgressListener;

/**
 * Allocator layer, walks: turns "the walk is at offset x" into a {@link ProgressListener} call about every
 * {@link ProgressListener#intervalBytes()} bytes, so the walks stay one comparison per block.
 */
public final class ProgressTicker {
    private final ProgressListener listener;
    private final String phase;
    private final long start;
    private final long total;
    private final long interval;
    private long next;

    /**
     * @param listener who to tell
     * @param phase the phase name passed on
     * @param start offset the walk starts at
     * @param end offset the walk ends at
     */
    public ProgressTicker(ProgressListener listener, String phase, long start, long end) {
        this.listener = listener;
        this.phase = phase;
        this.start = start;
        this.total = Math.max(0, end - start);
        this.interval = Math.max(1, listener.intervalBytes());
        this.next = start + interval;
    }

    /** @param position the offset the walk has reached */
    public void at(long position) {
        if (position >= next) {
            listener.progress(phase, Math.min(position - start, total), total);
            next = position + interval;
        }
    }

    /** Reports the end of the phase. */
    public void done() {
        listener.progress(phase, total, total);
    }
}
