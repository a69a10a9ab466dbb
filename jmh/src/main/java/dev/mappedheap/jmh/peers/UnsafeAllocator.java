// Peer layer: the C heap through sun.misc.Unsafe, the in-process in-memory reference for the allocator workloads.
package dev.mappedheap.jmh.peers;

import dev.mappedheap.jmh.alloc.AllocatorFactory;
import dev.mappedheap.jmh.alloc.AllocatorUnderTest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;

/**
 * {@code sun.misc.Unsafe.allocateMemory / freeMemory / reallocateMemory}: on HotSpot these are {@code malloc},
 * {@code free} and {@code realloc} of the C library (glibc here), so this peer is the JVM-side twin of the
 * native harness's {@code glibc} peer: in memory, not persistent, nothing shared between processes. A handle is
 * a native address. {@link #reallocate} is {@code realloc} (the harness's W3n), {@link #copy} is
 * {@code Unsafe.copyMemory} (memcpy, the harness's W3).
 *
 * <p>Unlike the harness, which starts a fresh process per run, the C heap is reused from one invocation to the
 * next (every block is freed at {@link #close}, but glibc keeps its arena and caches), and the JVM's own
 * threads use the C heap too.
 *
 * <p>Unsafe is reached through {@code static final} method handles rather than by naming the class: javac
 * warns on every use of {@code sun.misc.Unsafe} (and on JDK 23+ on its deprecated memory methods), and those
 * warnings cannot be suppressed under {@code -Werror}. Constant method handles are inlined by C2 into the
 * direct calls, so the measured loops pay nothing for this once compiled. {@link #describeSpace} has no
 * footprint figure: glibc's {@code mallinfo2} is not reachable from Java 17; see
 * {@code shared/bench/peers/RESULTS.md} for glibc's space figures. Not thread-safe here.
 */
public final class UnsafeAllocator implements AllocatorUnderTest {
    private static final MethodHandle ALLOCATE; // (long)long
    private static final MethodHandle FREE; // (long)void
    private static final MethodHandle REALLOCATE; // (long,long)long
    private static final MethodHandle PUT_LONG; // (long,long)void
    private static final MethodHandle GET_LONG; // (long)long
    private static final MethodHandle COPY; // (long,long,long)void

    static {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            Object unsafe = theUnsafe.get(null);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            ALLOCATE = lookup.findVirtual(unsafeClass, "allocateMemory", MethodType.methodType(long.class, long.class))
                    .bindTo(unsafe);
            FREE = lookup.findVirtual(unsafeClass, "freeMemory", MethodType.methodType(void.class, long.class))
                    .bindTo(unsafe);
            REALLOCATE = lookup.findVirtual(unsafeClass, "reallocateMemory",
                            MethodType.methodType(long.class, long.class, long.class))
                    .bindTo(unsafe);
            PUT_LONG = lookup.findVirtual(unsafeClass, "putLong",
                            MethodType.methodType(void.class, long.class, long.class))
                    .bindTo(unsafe);
            GET_LONG = lookup.findVirtual(unsafeClass, "getLong", MethodType.methodType(long.class, long.class))
                    .bindTo(unsafe);
            COPY = lookup.findVirtual(unsafeClass, "copyMemory",
                            MethodType.methodType(void.class, long.class, long.class, long.class))
                    .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private UnsafeAllocator() {}

    /** @return a factory of C-heap allocators (they share the one C heap) */
    public static AllocatorFactory factory() {
        return new AllocatorFactory() {
            @Override
            public String name() {
                return "unsafe";
            }

            @Override
            public AllocatorUnderTest open() {
                return new UnsafeAllocator();
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public long allocate(long size) {
        try {
            return (long) ALLOCATE.invokeExact(size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void free(long handle) {
        try {
            FREE.invokeExact(handle);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long reallocate(long handle, long newSize) {
        try {
            return (long) REALLOCATE.invokeExact(handle, newSize);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void writeLong(long handle, long value) {
        try {
            PUT_LONG.invokeExact(handle, value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long readLong(long handle) {
        try {
            return (long) GET_LONG.invokeExact(handle);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void copy(long from, long to, long bytes) {
        try {
            COPY.invokeExact(from, to, bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public String describeSpace(long liveRequestedBytes) {
        return "live=" + liveRequestedBytes + " (C heap: no footprint figure from Java; see peers/RESULTS.md, glibc)";
    }

    @Override
    public void close(long[] live, int count) {
        for (int i = 0; i < count; i++) {
            free(live[i]);
        }
    }

    /** Unsafe's methods throw only unchecked exceptions and errors (OutOfMemoryError when malloc fails). */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException) {
            return (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return new IllegalStateException(t);
    }
}
