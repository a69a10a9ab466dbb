// Structs layer, node tree: a subtree as plain Java values, to insert into a tree or read out of one.
package dev.mappedheap.structs.tree;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A node and its descendants as immutable Java values: what {@link NodeTree#insert} writes and
 * {@link NodeTree#snapshot} reads. Attributes keep their order; the text may be null (no text).
 *
 * <pre>{@code
 * NodeData item = NodeData.of("item").withAttribute("id", "7").withText("hello")
 *         .withChild(NodeData.of("note"));
 * }</pre>
 *
 * @param name the node's name, never null
 * @param attributes attribute names to values, in order; neither null
 * @param text the node's text, or null for none
 * @param children the child subtrees, in order
 */
public record NodeData(String name, Map<String, String> attributes, String text, List<NodeData> children) {
    /** Copies the collections, keeping the attributes' order, and refuses nulls where there may be none. */
    public NodeData {
        Objects.requireNonNull(name, "name");
        Map<String, String> copy = new LinkedHashMap<>();
        attributes.forEach((key, value) -> copy.put(Objects.requireNonNull(key, "attribute name"),
                Objects.requireNonNull(value, "attribute value")));
        attributes = Collections.unmodifiableMap(copy);
        children = List.copyOf(children);
    }

    /** @return a node named {@code name} with no attributes, text or children */
    public static NodeData of(String name) {
        return new NodeData(name, Map.of(), null, List.of());
    }

    /** @return a copy with {@code text} (null for none) */
    public NodeData withText(String newText) {
        return new NodeData(name, attributes, newText, children);
    }

    /** @return a copy with the attribute set, added at the end if it is new */
    public NodeData withAttribute(String attributeName, String value) {
        Map<String, String> more = new LinkedHashMap<>(attributes);
        more.put(attributeName, value);
        return new NodeData(name, more, text, children);
    }

    /** @return a copy with {@code child} appended */
    public NodeData withChild(NodeData child) {
        List<NodeData> more = new ArrayList<>(children);
        more.add(Objects.requireNonNull(child, "child"));
        return new NodeData(name, attributes, text, more);
    }

    /** @return nodes in this subtree, this one included */
    public long size() {
        long size = 1;
        for (NodeData child : children) {
            size += child.size();
        }
        return size;
    }
}
