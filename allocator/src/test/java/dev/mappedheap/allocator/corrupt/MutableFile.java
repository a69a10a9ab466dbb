package dev.mappedheap.allocator.corrupt;

import dev.mappedheap.allocator.format.HeaderLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A copy of a heap file's bytes being damaged: words written, bits flipped, the end cut off. */
final class MutableFile {
    final byte[] bytes;
    int length;

    MutableFile(byte[] bytes) {
        this.bytes = bytes;
        this.length = bytes.length;
    }

    private ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    long getLong(long offset) {
        return buffer().getLong((int) offset);
    }

    void putLong(long offset, long value) {
        buffer().putLong((int) offset, value);
    }

    void putInt(long offset, int value) {
        buffer().putInt((int) offset, value);
    }

    void flipBit(long offset, int bit) {
        bytes[(int) offset] ^= (byte) (1 << bit);
    }

    void truncate(long newLength) {
        length = (int) Math.min(length, newLength);
    }

    /** Makes the header checksum agree with bytes 0..63 again, so a damaged field meets its own range check. */
    void fixChecksum() {
        long[] words = new long[HeaderLayout.CHECKSUMMED_LENGTH / 8];
        for (int i = 0; i < words.length; i++) {
            words[i] = getLong(8L * i);
        }
        putLong(HeaderLayout.HEADER_CHECKSUM_OFFSET, HeaderLayout.checksum(words));
    }
}
