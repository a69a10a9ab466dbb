// Structs layer, on-disk format: the block a string or byte-string field refers to.
package dev.mappedheap.structs;

/**
 * Format of a string or byte-string block: a block of its own, referred to by the 8-byte offset a
 * {@link StringField} or {@link BytesField} holds in its struct, and owned by that struct. All integers
 * little-endian.
 *
 * <pre>
 *  0               4               8
 *  +---------------+---------------+------------------------------------+-----------------+
 *  | kind          | length        | data: length bytes                 | unused capacity |
 *  | int32         | int32, &gt;= 0   | (UTF-8 for a string)               |                 |
 *  +---------------+---------------+------------------------------------+-----------------+
 * </pre>
 *
 * {@code kind} is {@link #KIND_UTF8} or {@link #KIND_BYTES}, so that a reference to any other block is
 * recognised. {@code HEADER_LENGTH + length} never exceeds the block's usable size; the rest of the block is
 * room for a longer value written in place later.
 */
public final class BlobLayout {
    public static final int KIND_OFFSET = 0;
    public static final int KIND_LENGTH = 4;
    public static final int LENGTH_OFFSET = KIND_OFFSET + KIND_LENGTH;
    public static final int LENGTH_LENGTH = 4;
    public static final int DATA_OFFSET = LENGTH_OFFSET + LENGTH_LENGTH;
    public static final int HEADER_LENGTH = DATA_OFFSET;

    /** The bytes {@code 'U' 'T' 'F' '8'}, as a little-endian int. */
    public static final int KIND_UTF8 = 0x38465455;
    /** The bytes {@code 'B' 'Y' 'T' 'S'}, as a little-endian int. */
    public static final int KIND_BYTES = 0x53545942;

    /** Largest value a blob may hold: its block's size must fit the allocator's and Java's array limits. */
    public static final int MAX_LENGTH = Integer.MAX_VALUE - 64;

    /** A value is rewritten in place only while its block is at most this many bytes over twice its need. */
    static final int IN_PLACE_SLACK = 64;

    private BlobLayout() {}

    /**
     * Whether a value of {@code length} bytes is written into a block of {@code capacity} usable bytes in
     * place, rather than into a new block: it must fit, and the block must not be much larger than needed,
     * so that shrinking a large value gives the space back.
     */
    public static boolean fitsInPlace(long capacity, int length) {
        long needed = HEADER_LENGTH + (long) length;
        return needed <= capacity && capacity <= 2 * needed + IN_PLACE_SLACK;
    }

    /** @return a kind word as its four ASCII letters, or in hex when it is not one of ours */
    static String kindName(int kind) {
        if (kind == KIND_UTF8) {
            return "UTF8";
        }
        return kind == KIND_BYTES ? "BYTS" : StructHeaderLayout.hex(kind);
    }
}
