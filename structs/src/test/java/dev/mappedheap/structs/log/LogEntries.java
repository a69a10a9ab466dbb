package dev.mappedheap.structs.log;

/**
 * The entries the multi-process tests append: producer id (int), sequence number (long), then filler bytes
 * that depend on both, so a listener can tell a torn or misplaced entry from a whole one.
 */
final class LogEntries {
    static final int HEAD = 12;

    private LogEntries() {}

    /** @return the entry's length: between 12 and 12 + spread - 1, varying with the sequence number */
    static int length(long seq, int spread) {
        return HEAD + Math.floorMod(seq * 7919, spread);
    }

    /** Fills {@code buffer} with entry {@code seq} of {@code producer}. @return its length */
    static int fill(byte[] buffer, int producer, long seq, int spread) {
        int length = length(seq, spread);
        putInt(buffer, 0, producer);
        putLong(buffer, 4, seq);
        for (int i = HEAD; i < length; i++) {
            buffer[i] = (byte) (seq * 31 + i + producer);
        }
        return length;
    }

    /** @throws AssertionError if the entry is not whole */
    static void verify(byte[] buffer, int length, int spread) {
        int producer = producer(buffer);
        long seq = seq(buffer);
        if (length != length(seq, spread)) {
            throw new AssertionError("entry length wrong: producer=" + producer + " seq=" + seq + " length=" + length);
        }
        for (int i = HEAD; i < length; i++) {
            if (buffer[i] != (byte) (seq * 31 + i + producer)) {
                throw new AssertionError("entry torn: producer=" + producer + " seq=" + seq + " byte=" + i);
            }
        }
    }

    static int producer(byte[] buffer) {
        return (buffer[0] & 0xFF) | (buffer[1] & 0xFF) << 8 | (buffer[2] & 0xFF) << 16 | (buffer[3] & 0xFF) << 24;
    }

    static long seq(byte[] buffer) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = value << 8 | (buffer[4 + i] & 0xFF);
        }
        return value;
    }

    private static void putInt(byte[] buffer, int at, int value) {
        for (int i = 0; i < 4; i++) {
            buffer[at + i] = (byte) (value >>> (8 * i));
        }
    }

    private static void putLong(byte[] buffer, int at, long value) {
        for (int i = 0; i < 8; i++) {
            buffer[at + i] = (byte) (value >>> (8 * i));
        }
    }
}
