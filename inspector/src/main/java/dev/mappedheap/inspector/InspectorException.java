// Inspector layer: expected failures, reported as one line.
package dev.mappedheap.inspector;

/**
 * An expected failure of a command (a missing file, an offset outside the heap): the inspector prints its
 * message on one line, without a stack trace, and exits with {@link Inspector#EXIT_BAD_FILE}.
 */
final class InspectorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InspectorException(String message) {
        super(message);
    }
}
