// Structs layer, named roots: a small directory under the heap root, from names to offsets.
package dev.mappedheap.structs.roots;

import dev.mappedheap.allocator.HeapCorruptedException;
import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.allocator.HeapLock;
import dev.mappedheap.allocator.IncompatibleFormatException;
import dev.mappedheap.allocator.MappedHeap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A small directory that maps names to offsets, kept in one block that the heap's root points at, so many
 * structures (one summary cache per mail folder, the transaction table, ...) share one file. Every process
 * can use it at once: each call takes the directory's robust lock.
 *
 * <p>Format (block payload, little-endian): {@code +0} magic {@code "MHROOTS1"}, {@code +8} version (int 1),
 * {@code +12} capacity (int, entries), {@code +16} lock word, {@code +24} count, {@code +32} entries of
 * {@value #ENTRY_LENGTH} bytes: {@code +0} name length (1 byte, 1..{@value #MAX_NAME_BYTES}), {@code +1}
 * the name in UTF-8, {@code +56} the offset.
 *
 * <p>Crash safety without transactions: adding writes the entry, then publishes it by raising the count
 * (one 8-byte store); replacing an offset is one 8-byte store. Removing empties the entry (name length 0,
 * one byte), copies the last entry into it with its length byte last, then lowers the count: a crash
 * leaves at worst an empty entry, which everyone skips, or the last entry twice, and everyone treats a
 * name's first entry as the one and drops later duplicates.
 */
public final class NamedRoots {
    static final long MAGIC = 0x3153544F4F52484DL; // "MHROOTS1" little-endian
    static final int VERSION = 1;
    static final int ENTRY_LENGTH = 64;
    static final int MAX_NAME_BYTES = 55;
    static final int DEFAULT_CAPACITY = 63;
    private static final int VERSION_OFFSET = 8;
    private static final int CAPACITY_OFFSET = 12;
    private static final int LOCK_OFFSET = 16;
    private static final int COUNT_OFFSET = 24;
    private static final int ENTRIES_OFFSET = 32;
    private static final int OFFSET_IN_ENTRY = 56;

    private final MappedHeap heap;
    private final long directory;
    private final int capacity;
    private final HeapLock lock;

    private NamedRoots(MappedHeap heap, long directory, int capacity) {
        this.heap = heap;
        this.directory = directory;
        this.capacity = capacity;
        this.lock = heap.lockAt(directory + LOCK_OFFSET);
    }

    /**
     * Opens the directory under the heap's root, creating it (with room for {@value #DEFAULT_CAPACITY}
     * names) when the root is empty. Safe when several processes do it at once: one directory wins.
     *
     * @throws IncompatibleFormatException if the root points at something that is not a directory
     */
    public static NamedRoots open(MappedHeap heap) {
        long root = heap.root();
        if (root == 0) {
            long created = heap.allocate(ENTRIES_OFFSET + (long) ENTRY_LENGTH * DEFAULT_CAPACITY);
            for (long at = 8; at < ENTRIES_OFFSET; at += 8) {
                heap.writeLong(created + at, 0);
            }
            heap.writeInt(created + VERSION_OFFSET, VERSION);
            heap.writeInt(created + CAPACITY_OFFSET, DEFAULT_CAPACITY);
            heap.writeOrderedLong(created, MAGIC);
            if (heap.compareAndSetRoot(0, created)) {
                return new NamedRoots(heap, created, DEFAULT_CAPACITY);
            }
            heap.free(created); // another process created it first
            root = heap.root();
        }
        return wrap(heap, root);
    }

    private static NamedRoots wrap(MappedHeap heap, long root) {
        long size = heap.usableSize(root);
        long magic = heap.readLong(root);
        int version = heap.readInt(root + VERSION_OFFSET);
        int capacity = heap.readInt(root + CAPACITY_OFFSET);
        if (magic != MAGIC || version != VERSION || capacity < 1
                || size < ENTRIES_OFFSET + (long) ENTRY_LENGTH * capacity) {
            throw new IncompatibleFormatException("the heap's root is not a named-roots directory: root=" + root
                    + " magic=0x" + Long.toHexString(magic) + " expected=0x" + Long.toHexString(MAGIC) + " version="
                    + version + " supported=" + VERSION + " capacity=" + capacity + " blockSize=" + size);
        }
        return new NamedRoots(heap, root, capacity);
    }

    /** @return the offset stored under {@code name}, if any */
    public OptionalLong get(String name) {
        byte[] key = encode(name);
        lock.lock();
        try {
            int index = find(key, count());
            return index < 0 ? OptionalLong.empty() : OptionalLong.of(heap.readLong(entry(index) + OFFSET_IN_ENTRY));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stores {@code offset} under {@code name}, replacing what was there.
     *
     * @throws HeapException if the directory is full
     */
    public void put(String name, long offset) {
        byte[] key = encode(name);
        lock.lock();
        try {
            int count = count();
            int index = find(key, count);
            if (index >= 0) {
                heap.writeOrderedLong(entry(index) + OFFSET_IN_ENTRY, offset);
                return;
            }
            if (count == capacity) {
                throw new HeapException("named-roots directory full: capacity=" + capacity + " name=" + name);
            }
            long entry = entry(count);
            heap.writeLong(entry + OFFSET_IN_ENTRY, offset);
            heap.writeByte(entry, (byte) key.length);
            heap.write(entry + 1, key, 0, key.length);
            heap.writeOrderedLong(directory + COUNT_OFFSET, count + 1); // publishes the entry
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes {@code name} (the offset it named is not freed).
     *
     * @return the offset it named, if it was there
     */
    public OptionalLong remove(String name) {
        byte[] key = encode(name);
        lock.lock();
        try {
            int count = count();
            int index = find(key, count);
            if (index < 0) {
                return OptionalLong.empty();
            }
            long removed = heap.readLong(entry(index) + OFFSET_IN_ENTRY);
            while (index >= 0) { // a crash during an earlier remove may have left a duplicate
                long target = entry(index);
                long last = entry(count - 1);
                heap.writeByte(target, (byte) 0);
                heap.copy(last + 1, target + 1, ENTRY_LENGTH - 1);
                heap.writeByte(target, heap.readByte(last));
                count--;
                heap.writeOrderedLong(directory + COUNT_OFFSET, count);
                index = find(key, count);
            }
            return OptionalLong.of(removed);
        } finally {
            lock.unlock();
        }
    }

    /** @return every name, in directory order, duplicates dropped */
    public List<String> names() {
        lock.lock();
        try {
            List<String> names = new ArrayList<>();
            int count = count();
            for (int i = 0; i < count; i++) {
                byte[] bytes = nameAt(i);
                String name = bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
                if (name != null && !names.contains(name)) {
                    names.add(name);
                }
            }
            return names;
        } finally {
            lock.unlock();
        }
    }

    /** @return the directory's block offset (the heap's root) */
    public long offset() {
        return directory;
    }

    private int count() {
        long count = heap.readVolatileLong(directory + COUNT_OFFSET);
        if (count < 0 || count > capacity) {
            throw new HeapCorruptedException("named-roots count out of range: directory=" + directory + " count="
                    + count + " capacity=" + capacity);
        }
        return (int) count;
    }

    private long entry(int index) {
        return directory + ENTRIES_OFFSET + (long) ENTRY_LENGTH * index;
    }

    /** @return the first entry named {@code key}, or -1 */
    private int find(byte[] key, int count) {
        for (int i = 0; i < count; i++) {
            if (java.util.Arrays.equals(nameAt(i), key)) {
                return i;
            }
        }
        return -1;
    }

    /** @return the entry's name, or null for an entry a crashed remove left empty */
    private byte[] nameAt(int index) {
        long entry = entry(index);
        int length = heap.readByte(entry) & 0xFF;
        if (length == 0) {
            return null;
        }
        if (length > MAX_NAME_BYTES) {
            throw new HeapCorruptedException("named-roots entry name length out of range: directory=" + directory
                    + " entry=" + index + " length=" + length);
        }
        byte[] name = new byte[length];
        heap.read(entry + 1, name, 0, length);
        return name;
    }

    private static byte[] encode(String name) {
        byte[] bytes = Objects.requireNonNull(name, "name").getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 1 || bytes.length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("name must be 1.." + MAX_NAME_BYTES + " bytes of UTF-8: name=" + name
                    + " bytes=" + bytes.length);
        }
        return bytes;
    }
}
