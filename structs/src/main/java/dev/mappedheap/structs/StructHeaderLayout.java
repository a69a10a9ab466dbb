// Structs layer, on-disk format: the header every struct block begins with.
package dev.mappedheap.structs;

/**
 * Format of the 16-byte header at the start of every struct block (the block's payload offset is the
 * struct's offset). All integers little-endian, like the rest of the file.
 *
 * <pre>
 *  0               4               8               12              16
 *  +---------------+---------------+---------------+---------------+---------------------------
 *  | typeTag       | version       | size          | check         | fields, in declaration
 *  | int32         | int32, &gt;= 1   | int32, &gt;= 16  | int32         | order, naturally aligned
 *  +---------------+---------------+---------------+---------------+---------------------------
 * </pre>
 *
 * <ul>
 *   <li>{@code typeTag}: which layout wrote the record; FNV-1a 32 of the layout name's UTF-8 bytes unless
 *       the layout gives an explicit tag.
 *   <li>{@code version}: the layout version that wrote (or last upgraded) the record.
 *   <li>{@code size}: bytes of the struct as written, header included: the end of the last field of that
 *       version. The block may be larger.
 *   <li>{@code check}: {@link #checkWord} of the three words before it, so that a block that is not a
 *       struct (a string block, raw data, a torn header) is told apart from a struct of another type.
 * </ul>
 */
public final class StructHeaderLayout {
    public static final int TYPE_TAG_OFFSET = 0;
    public static final int TYPE_TAG_LENGTH = 4;
    public static final int VERSION_OFFSET = TYPE_TAG_OFFSET + TYPE_TAG_LENGTH;
    public static final int VERSION_LENGTH = 4;
    public static final int SIZE_OFFSET = VERSION_OFFSET + VERSION_LENGTH;
    public static final int SIZE_LENGTH = 4;
    public static final int CHECK_OFFSET = SIZE_OFFSET + SIZE_LENGTH;
    public static final int CHECK_LENGTH = 4;
    /** Bytes before the first field; a multiple of 8, so 8-byte fields stay aligned. */
    public static final int HEADER_LENGTH = CHECK_OFFSET + CHECK_LENGTH;

    /** Mixed into the check word so that an all-zero header does not check. */
    private static final int CHECK_SEED = 0x53545255; // the letters STRU, an arbitrary constant

    private StructHeaderLayout() {}

    /**
     * The check word: the murmur3 32-bit finalizer over {@code ((seed * 31 + typeTag) * 31 + version) * 31 + size}
     * (int arithmetic, wrapping), with {@code seed = 0x53545255}.
     */
    public static int checkWord(int typeTag, int version, int size) {
        int h = ((CHECK_SEED * 31 + typeTag) * 31 + version) * 31 + size;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /**
     * Checks a header read from the file against the layout expected there, in the order the problems are
     * reported: block too small for a header, check word, type tag, version, size for the version, block
     * too small for the size.
     *
     * @param layout the layout the caller wants to read the record with
     * @param offset the struct's offset (for the message)
     * @param blockSize the usable size of the live block at {@code offset}
     * @throws StructMismatchException naming the first problem found
     */
    public static void checkHeader(StructLayout layout, long offset, long blockSize, int typeTag, int version,
            int size, int check) {
        if (blockSize < HEADER_LENGTH) {
            throw new StructMismatchException(layout.name(), offset, null, "block too small for a struct header",
                    "blockSize>=" + HEADER_LENGTH, "blockSize=" + blockSize);
        }
        if (check != checkWord(typeTag, version, size)) {
            throw new StructMismatchException(layout.name(), offset, null,
                    "header check word does not match (not a struct block, or a damaged header)",
                    "check=" + hex(checkWord(typeTag, version, size)), "check=" + hex(check));
        }
        if (typeTag != layout.typeTag()) {
            throw new StructMismatchException(layout.name(), offset, null, "type tag",
                    "typeTag=" + hex(layout.typeTag()), "typeTag=" + hex(typeTag));
        }
        if (version < layout.oldestReadableVersion()) {
            throw new StructMismatchException(layout.name(), offset, null, "version outside the supported range",
                    "version>=" + layout.oldestReadableVersion(), "version=" + version);
        }
        checkSize(layout, offset, version, size);
        if (size > blockSize) {
            throw new StructMismatchException(layout.name(), offset, null, "block too small for the declared size",
                    "blockSize>=" + size, "blockSize=" + blockSize);
        }
    }

    /**
     * A record of a version this layout knows must be exactly that version's size; a record of a newer
     * version must at least hold every field this layout has (fields are only ever added at the end).
     */
    private static void checkSize(StructLayout layout, long offset, int version, int size) {
        if (version <= layout.version()) {
            int expected = layout.sizeOfVersion(version);
            if (size != expected) {
                throw new StructMismatchException(layout.name(), offset, null,
                        "size does not match the declared version", "size=" + expected + " for version=" + version,
                        "size=" + size);
            }
        } else if (size < layout.size()) {
            throw new StructMismatchException(layout.name(), offset, null,
                    "record of a newer version shorter than this layout", "size>=" + layout.size() + " for version="
                            + version, "size=" + size);
        }
    }

    static String hex(int value) {
        return "0x" + Integer.toHexString(value);
    }
}
