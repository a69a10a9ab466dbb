// Structs layer: the field handle for a byte array of fixed length stored inside the struct.
package dev.mappedheap.structs;

import java.util.Arrays;
import java.util.Objects;

/**
 * A field holding exactly {@link #width()} bytes inside the struct. Reads into and writes from the caller's
 * array, or one byte at a time, allocate nothing; {@link #get(StructView)} allocates the array it returns.
 * A record that predates the field reads as all zeros.
 */
public final class FixedBytesField extends Field {
    FixedBytesField(StructLayout layout, FieldSpec spec, int offset) {
        super(layout, spec, offset);
    }

    /**
     * Copies the field's {@link #width()} bytes into {@code dst} from index {@code from}.
     *
     * @throws IndexOutOfBoundsException if they do not fit {@code dst}
     */
    public void get(StructView view, byte[] dst, int from) {
        Objects.checkFromIndexSize(from, width, dst.length);
        if (inRecord(view)) {
            view.heap.read(view.offset + offset, dst, from, width);
            return;
        }
        checkAbsentRead(view);
        Arrays.fill(dst, from, from + width, (byte) 0);
    }

    /** @return a new array with the field's bytes */
    public byte[] get(StructView view) {
        byte[] bytes = new byte[width];
        get(view, bytes, 0);
        return bytes;
    }

    /**
     * Copies {@link #width()} bytes of {@code src}, from index {@code from}, into the field.
     *
     * @throws IndexOutOfBoundsException if {@code src} has fewer bytes from {@code from}; nothing changed
     * @throws FieldNotInRecordException if the record predates this field; nothing changed
     */
    public void set(StructView view, byte[] src, int from) {
        Objects.checkFromIndexSize(from, width, src.length);
        view.writer.write(writableAt(view), src, from, width);
    }

    /**
     * @param index {@code 0 <= index < width()}
     * @return the byte at {@code index}
     * @throws IndexOutOfBoundsException if {@code index} is outside the field
     */
    public byte getByte(StructView view, int index) {
        Objects.checkIndex(index, width);
        if (inRecord(view)) {
            return view.heap.readByte(view.offset + offset + index);
        }
        checkAbsentRead(view);
        return 0;
    }

    /**
     * @param index {@code 0 <= index < width()}
     * @throws IndexOutOfBoundsException if {@code index} is outside the field; nothing changed
     * @throws FieldNotInRecordException if the record predates this field; nothing changed
     */
    public void setByte(StructView view, int index, byte value) {
        Objects.checkIndex(index, width);
        view.writer.writeByte(writableAt(view) + index, value);
    }
}
