// Structs layer: a struct type declared once: its fields, where they lie, and its versions.
package dev.mappedheap.structs;

import static dev.mappedheap.structs.StructHeaderLayout.CHECK_OFFSET;
import static dev.mappedheap.structs.StructHeaderLayout.HEADER_LENGTH;
import static dev.mappedheap.structs.StructHeaderLayout.SIZE_OFFSET;
import static dev.mappedheap.structs.StructHeaderLayout.TYPE_TAG_OFFSET;
import static dev.mappedheap.structs.StructHeaderLayout.VERSION_OFFSET;

import dev.mappedheap.allocator.InvalidOffsetException;
import dev.mappedheap.allocator.MappedHeap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layout of one struct type: a name and type tag, a version, and fields placed one after another in
 * declaration order behind a 16-byte {@link StructHeaderLayout header}, each at its natural alignment.
 * Built once with {@link #builder}; the field handles are looked up with {@link #field}, and records are
 * read and written through a {@link StructView}.
 *
 * <p><b>Versions.</b> Fields are only ever added at the end, each with the version that added it
 * ({@link Builder#since}), so every version's fields keep their offsets. A record holds the version and size
 * that wrote it: a layout reads records of older versions (fields they lack read as defaults, and writing one
 * throws {@link FieldNotInRecordException} until the record is {@link #upgrade upgraded}) and of newer
 * versions (their extra fields are left alone).
 *
 * <p><b>Ownership.</b> A struct owns the blocks its {@link StringField}s and {@link BytesField}s refer to, and
 * {@link #free} frees them with it. It does not own what its {@link RefField}s refer to.
 *
 * <p><b>Mutation.</b> Every change goes through a {@link HeapWriter}; the methods taking a {@link MappedHeap}
 * use {@link HeapWriter#direct}.
 *
 * <p>Immutable and safe to share between threads; the heap calls it makes are as thread-safe as the heap.
 */
public final class StructLayout {
    private final String name;
    private final int typeTag;
    private final int version;
    private final int oldestReadableVersion;
    /** {@code sizes[v - 1]}: the record size of version {@code v}. */
    private final int[] sizes;
    private final List<Field> fields;
    private final Map<String, Field> byName;
    private final List<BlobField> ownedFields;

    private StructLayout(Builder b) {
        this.name = b.name;
        this.typeTag = b.typeTag;
        this.version = b.version;
        this.oldestReadableVersion = b.oldestReadableVersion;
        this.sizes = new int[version];
        List<Field> placed = new ArrayList<>();
        List<BlobField> owned = new ArrayList<>();
        Map<String, Field> index = new LinkedHashMap<>();
        long end = HEADER_LENGTH;
        for (FieldSpec spec : b.specs) {
            long at = align(end, spec.kind().alignment());
            end = at + spec.width();
            if (end > Integer.MAX_VALUE - 64) {
                throw new IllegalArgumentException("struct too large: layout=" + name + " field=" + spec.name()
                        + " end=" + end);
            }
            Field field = create(spec, (int) at);
            placed.add(field);
            index.put(spec.name(), field);
            if (field instanceof BlobField) {
                owned.add((BlobField) field);
            }
            for (int v = spec.sinceVersion(); v <= version; v++) {
                sizes[v - 1] = (int) end;
            }
        }
        for (int v = 1; v <= version; v++) {
            sizes[v - 1] = Math.max(sizes[v - 1], v == 1 ? HEADER_LENGTH : sizes[v - 2]);
        }
        this.fields = Collections.unmodifiableList(placed);
        this.byName = Collections.unmodifiableMap(index);
        this.ownedFields = List.copyOf(owned);
    }

    private Field create(FieldSpec spec, int at) {
        return switch (spec.kind()) {
            case BYTE -> new ByteField(this, spec, at);
            case SHORT -> new ShortField(this, spec, at);
            case CHAR -> new CharField(this, spec, at);
            case INT -> new IntField(this, spec, at);
            case LONG -> new LongField(this, spec, at);
            case FLOAT -> new FloatField(this, spec, at);
            case DOUBLE -> new DoubleField(this, spec, at);
            case BOOLEAN -> new BooleanField(this, spec, at);
            case FIXED_BYTES -> new FixedBytesField(this, spec, at);
            case REF -> new RefField(this, spec, at);
            case STRING -> new StringField(this, spec, at);
            case BYTES -> new BytesField(this, spec, at);
        };
    }

    private static long align(long offset, int alignment) {
        return (offset + alignment - 1) & -alignment;
    }

    /**
     * Starts a layout.
     *
     * @param name the struct type's name; its FNV-1a 32 hash is the type tag unless {@link Builder#typeTag}
     *     sets one
     * @param version the current version, {@code >= 1}; fields declared before any {@link Builder#since}
     *     belong to version 1
     */
    public static Builder builder(String name, int version) {
        return new Builder(name, version);
    }

    /** @return FNV-1a 32 of the UTF-8 bytes of {@code name}: the default type tag */
    public static int typeTagOf(String name) {
        int hash = 0x811c9dc5;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xFF;
            hash *= 0x01000193;
        }
        return hash;
    }

    // ---------------------------------------------------------------- description

    /** @return the struct type's name */
    public String name() {
        return name;
    }

    /** @return the type tag written in every record's header */
    public int typeTag() {
        return typeTag;
    }

    /** @return the version this layout writes */
    public int version() {
        return version;
    }

    /** @return the oldest record version this layout reads; older records are refused */
    public int oldestReadableVersion() {
        return oldestReadableVersion;
    }

    /** @return bytes of a record of the current version, its header included */
    public int size() {
        return sizes[version - 1];
    }

    /**
     * @param v a version, {@code 1 <= v <= version()}
     * @return bytes of a record of version {@code v}, its header included
     */
    public int sizeOfVersion(int v) {
        if (v < 1 || v > version) {
            throw new IllegalArgumentException("no such version: layout=" + name + " version=" + v + " current="
                    + version);
        }
        return sizes[v - 1];
    }

    /** @return every field, in declaration (and offset) order */
    public List<Field> fields() {
        return fields;
    }

    /**
     * Looks a field handle up; do it once and keep the handle, e.g. in a {@code static final} field.
     *
     * @param fieldName the declared name
     * @param type the handle's class, e.g. {@code LongField.class}
     * @throws IllegalArgumentException if there is no such field or it is of another kind
     */
    public <F extends Field> F field(String fieldName, Class<F> type) {
        Field field = byName.get(fieldName);
        if (field == null) {
            throw new IllegalArgumentException("no such field: layout=" + name + " field=" + fieldName
                    + " fields=" + byName.keySet());
        }
        if (!type.isInstance(field)) {
            throw new IllegalArgumentException("field of another kind: field=" + field + " kind=" + field.kind()
                    + " requested=" + type.getSimpleName());
        }
        return type.cast(field);
    }

    // ---------------------------------------------------------------- records

    /** @return a new view over {@code heap}, not yet wrapped; mutations go straight to the heap */
    public StructView newView(MappedHeap heap) {
        return newView(HeapWriter.direct(heap));
    }

    /** @return a new view, not yet wrapped, that reads from {@code writer.heap()} and writes through {@code writer} */
    public StructView newView(HeapWriter writer) {
        return new StructView(this, writer);
    }

    /** Allocates a record of the current version; see {@link #allocate(HeapWriter)}. */
    public long allocate(MappedHeap heap) {
        return allocate(HeapWriter.direct(heap));
    }

    /**
     * Allocates a record of the current version: header written, every field zero (strings and byte strings
     * null).
     *
     * @return the struct's offset
     * @throws dev.mappedheap.allocator.HeapFullException if the heap cannot grow; nothing changed
     */
    public long allocate(HeapWriter writer) {
        long offset = writer.allocate(size());
        zero(writer, offset + HEADER_LENGTH, size() - HEADER_LENGTH);
        writeHeader(writer, offset, size());
        return offset;
    }

    /** Frees a record and the blocks it owns; see {@link #free(HeapWriter, long)}. */
    public void free(MappedHeap heap, long offset) {
        free(HeapWriter.direct(heap), offset);
    }

    /**
     * Frees a record and the string and byte-string blocks it owns. Every owned reference is checked before
     * anything is freed; each is set to 0 before its block is freed, and the struct goes last, so a crash
     * midway leaks blocks rather than leaving references to freed ones.
     *
     * @throws InvalidOffsetException if {@code offset} is not a live block; nothing changed
     * @throws StructMismatchException if the record does not match this layout, was written by a newer
     *     version (it may own blocks this layout does not know of), or refers to blocks that are not its own
     *     strings; nothing changed
     */
    public void free(HeapWriter writer, long offset) {
        StructView view = newView(writer).wrap(offset);
        if (view.recordVersion() > version) {
            throw new StructMismatchException(name, offset, null,
                    "cannot free a record of a newer version: it may own blocks this layout does not know",
                    "version<=" + version, "version=" + view.recordVersion());
        }
        long[] owned = new long[ownedFields.size()];
        for (int i = 0; i < owned.length; i++) {
            BlobField field = ownedFields.get(i);
            owned[i] = field.reference(view);
            if (owned[i] != 0) {
                field.checkedCapacity(view, owned[i]);
                checkNotSharedWithEarlier(view, owned, i);
            }
        }
        for (int i = 0; i < owned.length; i++) {
            if (owned[i] != 0) {
                writer.writeLong(offset + ownedFields.get(i).offset, 0);
                writer.free(owned[i]);
            }
        }
        writer.free(offset);
    }

    /** Two fields owning one block would free it twice: refuse before freeing anything. */
    private void checkNotSharedWithEarlier(StructView view, long[] owned, int i) {
        for (int j = 0; j < i; j++) {
            if (owned[j] == owned[i]) {
                throw ownedFields.get(i).mismatch(view, "two fields refer to one owned block",
                        "distinct blocks", "ref=" + owned[i] + " alsoIn=" + ownedFields.get(j).name);
            }
        }
    }

    /** Upgrades a record to the current version; see {@link #upgrade(HeapWriter, long)}. */
    public long upgrade(MappedHeap heap, long offset) {
        return upgrade(HeapWriter.direct(heap), offset);
    }

    /**
     * Grows a record written by an older version to the current one: its block is reallocated to
     * {@link #size()}, the new fields are zeroed and the header rewritten. The block may move, so every
     * reference to the struct must be updated to the returned offset and views re-wrapped. A record of the
     * current or a newer version is left as it is.
     *
     * @return the struct's offset after the upgrade
     * @throws InvalidOffsetException if {@code offset} is not a live block; nothing changed
     * @throws StructMismatchException if the record does not match this layout; nothing changed
     * @throws dev.mappedheap.allocator.HeapFullException if the heap cannot grow; nothing changed
     */
    public long upgrade(HeapWriter writer, long offset) {
        StructView view = newView(writer).wrap(offset);
        if (view.recordVersion() >= version) {
            return offset;
        }
        int oldSize = view.recordSize();
        long moved = writer.reallocate(offset, size());
        zero(writer, moved + oldSize, size() - oldSize);
        writeHeader(writer, moved, size());
        return moved;
    }

    /**
     * Checks that a whole record of this layout lies in the live block at {@code offset}.
     *
     * @return the record's size
     */
    int checkRecord(MappedHeap heap, long offset) {
        if (offset == 0) {
            throw new InvalidOffsetException("null struct reference: layout=" + name + " offset=0");
        }
        long blockSize;
        try {
            blockSize = heap.usableSize(offset);
        } catch (InvalidOffsetException e) {
            throw new InvalidOffsetException("no struct here, not a live block: layout=" + name + " offset=" + offset
                    + " (" + e.getMessage() + ")", e);
        }
        int size = heap.readInt(offset + SIZE_OFFSET);
        StructHeaderLayout.checkHeader(this, offset, blockSize, heap.readInt(offset + TYPE_TAG_OFFSET),
                heap.readInt(offset + VERSION_OFFSET), size, heap.readInt(offset + CHECK_OFFSET));
        return size;
    }

    private void writeHeader(HeapWriter writer, long offset, int size) {
        writer.writeInt(offset + TYPE_TAG_OFFSET, typeTag);
        writer.writeInt(offset + VERSION_OFFSET, version);
        writer.writeInt(offset + SIZE_OFFSET, size);
        writer.writeInt(offset + CHECK_OFFSET, StructHeaderLayout.checkWord(typeTag, version, size));
    }

    private static void zero(HeapWriter writer, long from, long length) {
        long at = from;
        long end = from + length;
        for (; at + 8 <= end; at += 8) {
            writer.writeLong(at, 0);
        }
        for (; at < end; at++) {
            writer.writeByte(at, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "StructLayout{" + name + " v" + version + " typeTag=" + StructHeaderLayout.hex(typeTag) + " size="
                + size() + " fields=" + byName.keySet() + "}";
    }

    /**
     * Declares a layout's fields in order. Each method adds one field after the ones before it; names must be
     * unique. Not thread-safe; {@link #build} may be called once.
     */
    public static final class Builder {
        private final String name;
        private final int version;
        private final List<FieldSpec> specs = new ArrayList<>();
        private int typeTag;
        private int oldestReadableVersion = 1;
        private int since = 1;

        private Builder(String name, int version) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("a layout needs a name");
            }
            if (version < 1) {
                throw new IllegalArgumentException("version must be >= 1: layout=" + name + " version=" + version);
            }
            this.name = name;
            this.version = version;
            this.typeTag = typeTagOf(name);
        }

        /** Sets an explicit type tag instead of the hash of the name (any value but the blob kind words). */
        public Builder typeTag(int tag) {
            if (tag == BlobLayout.KIND_UTF8 || tag == BlobLayout.KIND_BYTES) {
                throw new IllegalArgumentException("type tag reserved for string blocks: tag="
                        + StructHeaderLayout.hex(tag));
            }
            this.typeTag = tag;
            return this;
        }

        /** Refuses records older than {@code v} ({@link StructMismatchException}); default 1. */
        public Builder oldestReadableVersion(int v) {
            if (v < 1 || v > version) {
                throw new IllegalArgumentException("oldest readable version must be in 1.." + version + ": layout="
                        + name + " version=" + v);
            }
            this.oldestReadableVersion = v;
            return this;
        }

        /** The fields declared from here on were added in version {@code v}; versions never go back. */
        public Builder since(int v) {
            if (v < since || v > version) {
                throw new IllegalArgumentException("since must be in " + since + ".." + version + ": layout=" + name
                        + " since=" + v);
            }
            this.since = v;
            return this;
        }

        /** Adds a {@code byte} field. */
        public Builder int8(String field) {
            return add(field, FieldKind.BYTE, 1);
        }

        /** Adds a {@code short} field. */
        public Builder int16(String field) {
            return add(field, FieldKind.SHORT, 2);
        }

        /** Adds a {@code char} field. */
        public Builder char16(String field) {
            return add(field, FieldKind.CHAR, 2);
        }

        /** Adds an {@code int} field. */
        public Builder int32(String field) {
            return add(field, FieldKind.INT, 4);
        }

        /** Adds a {@code long} field. */
        public Builder int64(String field) {
            return add(field, FieldKind.LONG, 8);
        }

        /** Adds a {@code float} field. */
        public Builder float32(String field) {
            return add(field, FieldKind.FLOAT, 4);
        }

        /** Adds a {@code double} field. */
        public Builder float64(String field) {
            return add(field, FieldKind.DOUBLE, 8);
        }

        /** Adds a {@code boolean} field. */
        public Builder bool(String field) {
            return add(field, FieldKind.BOOLEAN, 1);
        }

        /** Adds a byte array of exactly {@code length >= 1} bytes, stored inside the struct. */
        public Builder bytes(String field, int length) {
            if (length < 1) {
                throw new IllegalArgumentException("fixed bytes need a length >= 1: field=" + field + " length="
                        + length);
            }
            return add(field, FieldKind.FIXED_BYTES, length);
        }

        /** Adds a reference to another block (not owned). */
        public Builder ref(String field) {
            return add(field, FieldKind.REF, 8);
        }

        /** Adds a UTF-8 string in an owned block of its own. */
        public Builder string(String field) {
            return add(field, FieldKind.STRING, 8);
        }

        /** Adds a variable-length byte string in an owned block of its own. */
        public Builder byteString(String field) {
            return add(field, FieldKind.BYTES, 8);
        }

        private Builder add(String field, FieldKind kind, int width) {
            if (field == null || field.isEmpty()) {
                throw new IllegalArgumentException("a field needs a name: layout=" + name);
            }
            for (FieldSpec spec : specs) {
                if (spec.name().equals(field)) {
                    throw new IllegalArgumentException("duplicate field: layout=" + name + " field=" + field);
                }
            }
            specs.add(new FieldSpec(field, kind, width, since));
            return this;
        }

        /**
         * @return the layout
         * @throws IllegalArgumentException if the struct would exceed 2 GiB
         */
        public StructLayout build() {
            return new StructLayout(this);
        }
    }
}
