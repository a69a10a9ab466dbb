// Internal layer: a range of the mapping checked once, then read and written at raw-memory cost.
package dev.mappedheap.allocator.internal;

import java.util.Objects;
import net.openhft.chronicle.core.UnsafeMemory;

/**
 * A base for flyweights (the structs module's views): {@link HeapMemory#bind} checks once that
 * {@code [offset, offset + length)} lies inside the heap's blocks and remembers its address; the accessors
 * then check only an index against {@code length} (a compare the JIT folds with the caller's own) and touch
 * memory directly, without walking from the heap to its current mapping on every access.
 *
 * <p>Why the address stays valid: a mapping is never unmapped while its {@link HeapMemory} is reachable (a
 * bigger window is added on growth, the old one kept; close puts anonymous placeholders in their place),
 * and a bound range holds its {@code HeapMemory}. So an access through a range whose heap was closed, by
 * any thread, reads zeros or writes into scratch pages; it never faults. Binding again after a close fails
 * ({@link HeapMemory#bind} checks against a closed heap's empty limit).
 *
 * <p>Not thread-safe: one thread binds and uses a range at a time (as with any flyweight).
 */
public abstract class BoundRange {
    private static final UnsafeMemory MEMORY = UnsafeMemory.MEMORY;

    private HeapMemory memory;
    private long address;
    private long length;

    /** Called by {@link HeapMemory#bind} after its checks. */
    final void bindTo(HeapMemory memory, long address, long length) {
        this.memory = memory;
        this.address = address;
        this.length = length;
    }

    /** Forgets the range: every access then fails its index check. */
    protected final void unbind() {
        this.length = 0;
        this.address = 0;
        this.memory = null;
    }

    protected final long readLongAt(long at) {
        return MEMORY.readLong(address + Objects.checkIndex(at, length - 7));
    }

    protected final int readIntAt(long at) {
        return MEMORY.readInt(address + Objects.checkIndex(at, length - 3));
    }

    protected final byte readByteAt(long at) {
        return MEMORY.readByte(address + Objects.checkIndex(at, length));
    }

    protected final void writeLongAt(long at, long value) {
        MEMORY.writeLong(address + Objects.checkIndex(at, length - 7), value);
    }

    protected final void writeIntAt(long at, int value) {
        MEMORY.writeInt(address + Objects.checkIndex(at, length - 3), value);
    }

    protected final void writeByteAt(long at, byte value) {
        MEMORY.writeByte(address + Objects.checkIndex(at, length), value);
    }
}
