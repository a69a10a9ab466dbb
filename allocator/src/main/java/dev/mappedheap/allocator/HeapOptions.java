package dev.mappedheap.allocator;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * How a new heap file is sized, grown and protected, and how durable a handle's operations are. Immutable:
 * every setter returns a new instance.
 *
 * <pre>{@code
 * HeapOptions.defaults().initialSize(64 << 20).growthIncrement(64 << 20).maxSize(1L << 40)
 * }</pre>
 *
 * <p>The sizes are written into the file's header at {@link MappedHeap#create create}; a heap opened later
 * keeps growing by the increment and up to the maximum it was created with. The permissions apply when a
 * file is created. The {@link #durability durability} belongs to each handle: it is not stored in the file,
 * and {@link MappedHeap#open(java.nio.file.Path, HeapOptions)} and {@link MappedHeap#openOrCreate} use it
 * for an existing file too.
 */
public final class HeapOptions {
    /** Smallest file a heap can live in: the header, the journal and a little room. */
    public static final long MIN_INITIAL_SIZE = 64 * 1024;
    /** Smallest growth step: one 64 KiB step keeps the number of remaps sane. */
    public static final long MIN_GROWTH_INCREMENT = 64 * 1024;
    /** No upper bound on the file size. */
    public static final long UNBOUNDED = Long.MAX_VALUE;

    /** Read and write for the file's owner only ({@code 0600}): the permissions of a new heap by default. */
    public static final Set<PosixFilePermission> OWNER_ONLY =
            Collections.unmodifiableSet(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

    private static final HeapOptions DEFAULTS = new HeapOptions(1 << 20, 16 << 20, UNBOUNDED, OWNER_ONLY,
            Durability.EXPLICIT_SYNC);

    private final long initialSize;
    private final long growthIncrement;
    private final long maxSize;
    private final Set<PosixFilePermission> permissions;
    private final Durability durability;

    private HeapOptions(long initialSize, long growthIncrement, long maxSize, Set<PosixFilePermission> permissions,
            Durability durability) {
        this.initialSize = initialSize;
        this.growthIncrement = growthIncrement;
        this.maxSize = maxSize;
        this.permissions = permissions;
        this.durability = durability;
    }

    /**
     * @return 1 MiB initial size, 16 MiB growth increment, no maximum size, owner-only permissions
     *     ({@link #OWNER_ONLY}), {@link Durability#EXPLICIT_SYNC}
     */
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
        return new HeapOptions(bytes, growthIncrement, maxSize, permissions, durability);
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
        return new HeapOptions(initialSize, bytes, maxSize, permissions, durability);
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
        return new HeapOptions(initialSize, growthIncrement, bytes, permissions, durability);
    }

    /**
     * The permissions a new heap file gets, set exactly (the process's umask does not narrow them); its
     * companion lock file {@code NAME.lock} gets the same, so whoever may open the heap may also lock it.
     * Give the group read and write to share a heap between users of one group, for example
     * {@code PosixFilePermissions.fromString("rw-rw----")}. Ignored on file systems without POSIX permissions.
     *
     * @param permissions must include {@code OWNER_READ} and {@code OWNER_WRITE} (a heap is always opened
     *     read-write, so its creator must be able to open it again)
     * @return options with those permissions
     * @throws IllegalArgumentException if the owner could not read and write the file
     */
    public HeapOptions permissions(Set<PosixFilePermission> permissions) {
        if (!permissions.contains(PosixFilePermission.OWNER_READ)
                || !permissions.contains(PosixFilePermission.OWNER_WRITE)) {
            throw new IllegalArgumentException("permissions=" + PosixFilePermissions.toString(permissions)
                    + " must let the owner read and write the heap (rw------- at least)");
        }
        Set<PosixFilePermission> copy = Collections.unmodifiableSet(EnumSet.copyOf(permissions));
        return new HeapOptions(initialSize, growthIncrement, maxSize, copy, durability);
    }

    /**
     * @param durability what survives a power loss: {@link Durability#EXPLICIT_SYNC} (the default) or
     *     {@link Durability#SYNC_EACH_OPERATION}
     * @return options with that durability
     */
    public HeapOptions durability(Durability durability) {
        if (durability == null) {
            throw new IllegalArgumentException("durability must not be null");
        }
        return new HeapOptions(initialSize, growthIncrement, maxSize, permissions, durability);
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

    /** @return the permissions of a new file (an unmodifiable set) */
    public Set<PosixFilePermission> permissions() {
        return permissions;
    }

    /** @return what a handle opened with these options flushes */
    public Durability durability() {
        return durability;
    }

    @Override
    public String toString() {
        return "HeapOptions{initialSize=" + initialSize + " growthIncrement=" + growthIncrement + " maxSize="
                + (maxSize == UNBOUNDED ? "unbounded" : Long.toString(maxSize)) + " permissions="
                + PosixFilePermissions.toString(permissions) + " durability=" + durability + "}";
    }
}
