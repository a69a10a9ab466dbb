package dev.mappedheap.allocator;

/**
 * How a new heap file is sized and grown. Immutable: every setter returns a new instance.
 *
 * <pre>{@code
 * HeapOptions.defaults().initialSize(64 << 20).growthIncrement(64 << 20).maxSize(1L << 40)
 * }</pre>
 *
 * <p>The values are written into the file's header at {@link MappedHeap#create create}; a heap opened later
 * keeps growing by the increment and up to the maximum it was created with.
 */
public final class HeapOptions {
    /** Smallest file a heap can live in: the header, the journal and a little room. */
    public static final long MIN_INITIAL_SIZE = 64 * 1024;
    /** Smallest growth step: one 64 KiB step keeps the number of remaps sane. */
    public static final long MIN_GROWTH_INCREMENT = 64 * 1024;
    /** No upper bound on the file size. */
    public static final long UNBOUNDED = Long.MAX_VALUE;

    private static final HeapOptions DEFAULTS = new HeapOptions(1 << 20, 16 << 20, UNBOUNDED);

    private final long initialSize;
    private final long growthIncrement;
    private final long maxSize;

    private HeapOptions(long initialSize, long growthIncrement, long maxSize) {
        this.initialSize = initialSize;
        this.growthIncrement = growthIncrement;
        this.maxSize = maxSize;
    }

    /** @return 1 MiB initial size, 16 MiB growth increment, no maximum size */
    public static HeapOptions defaults() {
        return DEFAULTS;
    }

    /**
     * @param bytes size of the new file, at least {@link #MIN_INITIAL_SIZE}; rounded up to 4 KiB
     * @return options with that initial size
     * @throws IllegalArgumentException if {@code bytes} is too small
     */
    public HeapOptions initialSize(long bytes) {
        if (bytes < MIN_INITIAL_SIZE) {
            throw new IllegalArgumentException("initialSize=" + bytes + " is below the minimum " + MIN_INITIAL_SIZE);
        }
        return new HeapOptions(bytes, growthIncrement, maxSize);
    }

    /**
     * @param bytes how much the file grows when nothing fits, at least {@link #MIN_GROWTH_INCREMENT}; a
     *     larger request grows it by as much as that request needs
     * @return options with that growth increment
     * @throws IllegalArgumentException if {@code bytes} is too small
     */
    public HeapOptions growthIncrement(long bytes) {
        if (bytes < MIN_GROWTH_INCREMENT) {
            throw new IllegalArgumentException(
                    "growthIncrement=" + bytes + " is below the minimum " + MIN_GROWTH_INCREMENT);
        }
        return new HeapOptions(initialSize, bytes, maxSize);
    }

    /**
     * @param bytes the largest the file may become; {@link #UNBOUNDED} (the default) for no limit
     * @return options with that maximum size
     * @throws IllegalArgumentException if {@code bytes} is below {@link #MIN_INITIAL_SIZE}
     */
    public HeapOptions maxSize(long bytes) {
        if (bytes < MIN_INITIAL_SIZE) {
            throw new IllegalArgumentException("maxSize=" + bytes + " is below the minimum " + MIN_INITIAL_SIZE);
        }
        return new HeapOptions(initialSize, growthIncrement, bytes);
    }

    /** @return size of a new file in bytes */
    public long initialSize() {
        return initialSize;
    }

    /** @return growth step in bytes */
    public long growthIncrement() {
        return growthIncrement;
    }

    /** @return largest file size in bytes */
    public long maxSize() {
        return maxSize;
    }

    @Override
    public String toString() {
        return "HeapOptions{initialSize=" + initialSize + " growthIncrement=" + growthIncrement + " maxSize="
                + (maxSize == UNBOUNDED ? "unbounded" : Long.toString(maxSize)) + "}";
    }
}
