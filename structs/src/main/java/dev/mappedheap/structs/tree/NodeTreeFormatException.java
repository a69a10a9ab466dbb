// Structs layer, node tree: the exception for "this offset does not hold a node tree this code can open".
package dev.mappedheap.structs.tree;

import dev.mappedheap.allocator.IncompatibleFormatException;

/**
 * The block at the given offset is not a node tree this version can open: not a live block, too small for
 * the header, wrong magic, a format version or header length this code does not read, or node and attribute
 * records of another type or version. The message names what was expected and what was found. Nothing was
 * changed.
 */
public class NodeTreeFormatException extends IncompatibleFormatException {
    private static final long serialVersionUID = 1L;

    /** @param message what was expected and what was found, as {@code name=value} pairs */
    public NodeTreeFormatException(String message) {
        super(message);
    }

    /**
     * @param message what was expected and what was found
     * @param cause the underlying failure
     */
    public NodeTreeFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
