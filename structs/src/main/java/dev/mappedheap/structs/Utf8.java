// Structs layer: UTF-8 encoding that refuses what it cannot round-trip, and comparison without allocation.
package dev.mappedheap.structs;

import dev.mappedheap.allocator.MappedHeap;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Standard UTF-8, byte for byte what {@code String.getBytes(UTF_8)} writes for a well-formed string. Unlike
 * {@code getBytes}, which writes {@code '?'} for an unpaired surrogate, encoding refuses one: a string that
 * would not read back as written is an error, not a silent substitution.
 */
final class Utf8 {
    private static final int UNPAIRED = -1;

    private Utf8() {}

    /**
     * @return the UTF-8 bytes of {@code s}
     * @throws IllegalArgumentException if {@code s} holds an unpaired surrogate or encodes to more than
     *     {@link BlobLayout#MAX_LENGTH} bytes
     */
    static byte[] encode(CharSequence s) {
        byte[] out = new byte[encodedLength(s)];
        int pos = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = codePointAt(s, i);
            int packed = packed(cp);
            for (int k = 0, n = byteCount(cp); k < n; k++) {
                out[pos++] = (byte) (packed >>> (8 * k));
            }
            i += Character.charCount(cp);
        }
        return out;
    }

    private static int encodedLength(CharSequence s) {
        long length = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = codePointAt(s, i);
            if (cp == UNPAIRED) {
                throw new IllegalArgumentException("unpaired surrogate, not representable in UTF-8: index=" + i
                        + " char=0x" + Integer.toHexString(s.charAt(i)));
            }
            length += byteCount(cp);
            i += Character.charCount(cp);
        }
        if (length > BlobLayout.MAX_LENGTH) {
            throw new IllegalArgumentException("string too long: utf8Length=" + length + " max="
                    + BlobLayout.MAX_LENGTH);
        }
        return (int) length;
    }

    /**
     * Compares the UTF-8 encoding of {@code s} with {@code length} bytes of the heap at {@code data}, one code
     * point at a time; allocates nothing. A string with an unpaired surrogate equals no stored string.
     */
    static boolean equalsEncoded(MappedHeap heap, long data, int length, CharSequence s) {
        int pos = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = codePointAt(s, i);
            if (cp == UNPAIRED) {
                return false;
            }
            int n = byteCount(cp);
            if (pos + n > length) {
                return false;
            }
            int packed = packed(cp);
            for (int k = 0; k < n; k++) {
                if (heap.readByte(data + pos++) != (byte) (packed >>> (8 * k))) {
                    return false;
                }
            }
            i += Character.charCount(cp);
        }
        return pos == length;
    }

    /**
     * @return the string {@code utf8} encodes
     * @throws CharacterCodingException if it is not well-formed UTF-8 (overlong forms and encoded
     *     surrogates included)
     */
    static String decode(byte[] utf8) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(utf8))
                .toString();
    }

    /** @return the code point at {@code i}, or {@link #UNPAIRED} for a surrogate without its partner */
    private static int codePointAt(CharSequence s, int i) {
        char c = s.charAt(i);
        if (!Character.isSurrogate(c)) {
            return c;
        }
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            return Character.toCodePoint(c, s.charAt(i + 1));
        }
        return UNPAIRED;
    }

    private static int byteCount(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /** @return the UTF-8 bytes of {@code cp}, the first in the low 8 bits */
    private static int packed(int cp) {
        if (cp < 0x80) {
            return cp;
        }
        if (cp < 0x800) {
            return (0xC0 | cp >>> 6) | (0x80 | cp & 0x3F) << 8;
        }
        if (cp < 0x10000) {
            return (0xE0 | cp >>> 12) | (0x80 | cp >>> 6 & 0x3F) << 8 | (0x80 | cp & 0x3F) << 16;
        }
        return (0xF0 | cp >>> 18) | (0x80 | cp >>> 12 & 0x3F) << 8 | (0x80 | cp >>> 6 & 0x3F) << 16
                | (0x80 | cp & 0x3F) << 24;
    }
}
