// Benchmark support tests: the PRNG replays the spec's sequence.
package dev.mappedheap.jmh.alloc;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SplitMix64Test {
    @Test
    void producesTheSpecsFirstThreeOutputsForSeed42() {
        SplitMix64 rng = new SplitMix64(SplitMix64.SEED);
        assertEquals("13679457532755275413", Long.toUnsignedString(rng.next()));
        assertEquals("2949826092126892291", Long.toUnsignedString(rng.next()));
        assertEquals("5139283748462763858", Long.toUnsignedString(rng.next()));
    }

    @Test
    void selfCheckAgreesWithTheSpec() {
        assertDoesNotThrow(SplitMix64::checkAgainstSpec);
    }

    @Test
    void nextBelowIsTheUnsignedRemainder() {
        SplitMix64 a = new SplitMix64(SplitMix64.SEED);
        SplitMix64 b = new SplitMix64(SplitMix64.SEED);
        // the first output is negative as a signed long; unsigned, 13679457532755275413 % 300 = 13
        assertEquals(13, a.nextBelow(300));
        assertEquals(13, Long.remainderUnsigned(b.next(), 300));
    }
}
