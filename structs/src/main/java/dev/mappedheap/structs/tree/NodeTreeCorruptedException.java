// Structs layer, node tree: the exception for a tree whose blocks contradict the format or each other.
package dev.mappedheap.structs.tree;

import dev.mappedheap.allocator.HeapCorruptedException;

/**
 * A node tree's header or one of its records contradicts the format: a header checksum that does not match,
 * a count out of range, a sibling chain longer than its count or not ending where it should, a parent chain
 * longer than the tree, or (from {@link NodeTree#check()}) any broken invariant. Thrown before the bad value
 * is trusted; a mutation that finds it is rolled back with its transaction.
 */
public class NodeTreeCorruptedException extends HeapCorruptedException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, with the facts as {@code name=value} pairs */
    public NodeTreeCorruptedException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong
     * @param cause the underlying failure
     */
    public NodeTreeCorruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
