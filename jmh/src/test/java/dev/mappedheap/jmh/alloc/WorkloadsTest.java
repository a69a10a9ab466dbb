// Benchmark support tests: the workload phases replay the spec's operations (its check values), on a fake heap.
package dev.mappedheap.jmh.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WorkloadsTest {
    @Test
    void w1ShufflePutsBlock992795First() {
        FakeAllocator a = new FakeAllocator();
        SplitMix64 rng = new SplitMix64(SplitMix64.SEED);
        long[] h = new long[Workloads.W1_BLOCKS];
        Workloads.w1AllocPass(a, h);
        Workloads.verifyIndexes("W1", a, h, Workloads.W1_BLOCKS);
        Workloads.w1Shuffle(rng, h);
        assertEquals(Workloads.W1_FIRST_AFTER_SHUFFLE, a.readLong(h[0]));
        Workloads.w1FreePass(a, h);
        assertEquals(0, a.live);
        Workloads.w1AllocPass(a, h);
        Workloads.verifyIndexes("W1", a, h, Workloads.W1_BLOCKS);
    }

    @Test
    void w2EndsWith68382140LiveBytes() {
        FakeAllocator a = new FakeAllocator();
        SplitMix64 rng = new SplitMix64(SplitMix64.SEED);
        long[] h = new long[Workloads.W2_SLOTS];
        int[] sz = new int[Workloads.W2_SLOTS];
        Workloads.w2Fill(a, rng, h, sz);
        Workloads.w2Steps(a, rng, h, sz);
        Workloads.verifyIndexes("W2", a, h, Workloads.W2_SLOTS);
        assertEquals(Workloads.W2_LIVE_BYTES, Workloads.liveBytes(sz));
        assertEquals(Workloads.W2_LIVE_BYTES, a.liveBytes);
        assertTrue(Arrays.stream(sz).allMatch(s -> s >= 9 && s <= 4096));
    }

    @Test
    void w2StepsInBatchesReplayTheSameSequence() {
        // the shared-heap runs step in batches of W2Worker.BATCH = 256; any batching must give the spec's W2
        FakeAllocator a = new FakeAllocator();
        SplitMix64 rng = new SplitMix64(SplitMix64.SEED);
        long[] h = new long[Workloads.W2_SLOTS];
        int[] sz = new int[Workloads.W2_SLOTS];
        Workloads.w2Fill(a, rng, h, sz);
        for (int done = 0; done < Workloads.W2_STEPS; done += 256) {
            Workloads.w2Steps(a, rng, h, sz, Math.min(256, Workloads.W2_STEPS - done));
        }
        Workloads.verifyIndexes("W2", a, h, Workloads.W2_SLOTS);
        assertEquals(Workloads.W2_LIVE_BYTES, Workloads.liveBytes(sz));
    }

    @Test
    void w3EndsWith424874254LiveBytesBothWays() {
        for (boolean copy : new boolean[] {false, true}) {
            FakeAllocator a = new FakeAllocator();
            SplitMix64 rng = new SplitMix64(SplitMix64.SEED);
            long[] h = new long[Workloads.W3_RECORDS];
            int[] sz = new int[Workloads.W3_RECORDS];
            Workloads.w3Fill(a, rng, h, sz);
            if (copy) {
                Workloads.w3StepsCopy(a, rng, h, sz);
            } else {
                Workloads.w3StepsReallocate(a, rng, h, sz);
            }
            Workloads.verifyIndexes("W3", a, h, Workloads.W3_RECORDS);
            assertEquals(Workloads.W3_LIVE_BYTES, Workloads.liveBytes(sz));
            assertEquals(Workloads.W3_LIVE_BYTES, a.liveBytes);
        }
    }

    /**
     * Keeps each block's first word and size in arrays indexed by handle, reuses freed handles, and fails on
     * a use of a block that is not live.
     */
    private static final class FakeAllocator implements AllocatorUnderTest {
        private long[] first = new long[1024];
        private long[] size = new long[1024];
        private int[] freeStack = new int[1024];
        private int freeTop;
        private int next = 1;
        long live;
        long liveBytes;

        @Override
        public long allocate(long bytes) {
            int b;
            if (freeTop > 0) {
                b = freeStack[--freeTop];
            } else {
                b = next++;
                if (b >= first.length) {
                    first = Arrays.copyOf(first, first.length * 2);
                    size = Arrays.copyOf(size, size.length * 2);
                }
            }
            first[b] = 0xDEADBEEFL;
            size[b] = bytes;
            live++;
            liveBytes += bytes;
            return b;
        }

        private int liveBlock(long handle) {
            if (handle <= 0 || handle >= next || size[(int) handle] == 0) {
                throw new IllegalStateException("not a live block: handle=" + handle);
            }
            return (int) handle;
        }

        @Override
        public void free(long handle) {
            int b = liveBlock(handle);
            live--;
            liveBytes -= size[b];
            size[b] = 0;
            if (freeTop == freeStack.length) {
                freeStack = Arrays.copyOf(freeStack, freeStack.length * 2);
            }
            freeStack[freeTop++] = b;
        }

        @Override
        public long reallocate(long handle, long newSize) {
            long value = readLong(handle);
            free(handle);
            long b = allocate(newSize);
            writeLong(b, value);
            return b;
        }

        @Override
        public void writeLong(long handle, long value) {
            first[liveBlock(handle)] = value;
        }

        @Override
        public long readLong(long handle) {
            return first[liveBlock(handle)];
        }

        @Override
        public void copy(long from, long to, long bytes) {
            if (bytes > size[liveBlock(from)] || bytes > size[liveBlock(to)]) {
                throw new IllegalStateException("copy past a block: bytes=" + bytes);
            }
            first[(int) to] = first[(int) from];
        }

        @Override
        public String describeSpace(long liveRequestedBytes) {
            return "live=" + liveRequestedBytes;
        }

        @Override
        public void close(long[] handles, int count) {}
    }
}
