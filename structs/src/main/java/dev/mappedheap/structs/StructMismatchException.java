// Structs layer: the error for a struct or blob in the file that is not what the layout expects.
package dev.mappedheap.structs;

import dev.mappedheap.allocator.HeapException;

/**
 * What the file holds at an offset is not what the layout reading it expects: a wrong type tag, a version
 * outside the supported range, a size that does not match the version, a block too small for the declared
 * size, or a string/byte-string reference to a block that is not one. Nothing was read or changed.
 *
 * <p>The message says {@code problem: layout=… offset=… [field=…] expected=… found=…}; the parts are also
 * available one by one.
 */
public class StructMismatchException extends HeapException {
    private static final long serialVersionUID = 1L;

    private final String layoutName;
    private final long offset;
    private final String fieldName;
    private final String problem;
    private final String expected;
    private final String found;

    /**
     * @param layoutName the layout that was reading
     * @param offset the struct's offset
     * @param fieldName the field concerned, or null when the problem is the struct itself
     * @param problem what does not match, in a few words
     * @param expected what the layout needs, as {@code name=value}
     * @param found what the file holds, as {@code name=value}
     */
    public StructMismatchException(String layoutName, long offset, String fieldName, String problem,
            String expected, String found) {
        super("struct mismatch: " + problem + ": layout=" + layoutName + " offset=" + offset
                + (fieldName == null ? "" : " field=" + fieldName) + " expected " + expected + " found " + found);
        this.layoutName = layoutName;
        this.offset = offset;
        this.fieldName = fieldName;
        this.problem = problem;
        this.expected = expected;
        this.found = found;
    }

    /** @return the name of the layout that was reading */
    public String layoutName() {
        return layoutName;
    }

    /** @return the struct's offset */
    public long offset() {
        return offset;
    }

    /** @return the field concerned, or null when the problem is in the struct header */
    public String fieldName() {
        return fieldName;
    }

    /** @return what does not match, in a few words */
    public String problem() {
        return problem;
    }

    /** @return what the layout needs, as {@code name=value} */
    public String expected() {
        return expected;
    }

    /** @return what the file holds, as {@code name=value} */
    public String found() {
        return found;
    }
}
