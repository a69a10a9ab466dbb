// Structs layer, node tree format: the two struct types a node tree is made of, and their field handles.
package dev.mappedheap.structs.tree;

import dev.mappedheap.structs.LongField;
import dev.mappedheap.structs.RefField;
import dev.mappedheap.structs.StringField;
import dev.mappedheap.structs.StructLayout;

/**
 * The node and attribute records of a {@link NodeTree}, as {@link StructLayout}s (so each record carries the
 * struct header: type tag, version, size and check word, see {@code docs/STRUCTS-FORMAT.md} 7.1).
 *
 * <pre>
 * Node (104 bytes)                          Attribute (40 bytes)
 *   +0   16  struct header                    +0  16  struct header
 *   +16   8  tree        header offset        +16  8  next     next attribute, 0 = last
 *   +24   8  parent      0 for the root       +24  8  name     owned UTF-8 block, never 0
 *   +32   8  firstChild  0 = no children      +32  8  value    owned UTF-8 block, never 0
 *   +40   8  lastChild
 *   +48   8  prevSibling 0 = first child
 *   +56   8  nextSibling 0 = last child
 *   +64   8  childCount
 *   +72   8  firstAttribute 0 = none
 *   +80   8  attributeCount
 *   +88   8  name        owned UTF-8 block, never 0
 *   +96   8  text        owned UTF-8 block, 0 = no text
 * </pre>
 *
 * Every string lies in a block of its own, so replacing one rewrites that block in place or reallocates it
 * and rewrites one reference: never the node, never a neighbour.
 */
final class NodeLayouts {
    static final StructLayout NODE = StructLayout.builder("mappedheap.tree.Node", 1)
            .ref("tree")
            .ref("parent")
            .ref("firstChild")
            .ref("lastChild")
            .ref("prevSibling")
            .ref("nextSibling")
            .int64("childCount")
            .ref("firstAttribute")
            .int64("attributeCount")
            .string("name")
            .string("text")
            .build();
    static final RefField TREE = NODE.field("tree", RefField.class);
    static final RefField PARENT = NODE.field("parent", RefField.class);
    static final RefField FIRST_CHILD = NODE.field("firstChild", RefField.class);
    static final RefField LAST_CHILD = NODE.field("lastChild", RefField.class);
    static final RefField PREV_SIBLING = NODE.field("prevSibling", RefField.class);
    static final RefField NEXT_SIBLING = NODE.field("nextSibling", RefField.class);
    static final LongField CHILD_COUNT = NODE.field("childCount", LongField.class);
    static final RefField FIRST_ATTRIBUTE = NODE.field("firstAttribute", RefField.class);
    static final LongField ATTRIBUTE_COUNT = NODE.field("attributeCount", LongField.class);
    static final StringField NAME = NODE.field("name", StringField.class);
    static final StringField TEXT = NODE.field("text", StringField.class);

    static final StructLayout ATTRIBUTE = StructLayout.builder("mappedheap.tree.Attribute", 1)
            .ref("next")
            .string("name")
            .string("value")
            .build();
    static final RefField ATTR_NEXT = ATTRIBUTE.field("next", RefField.class);
    static final StringField ATTR_NAME = ATTRIBUTE.field("name", StringField.class);
    static final StringField ATTR_VALUE = ATTRIBUTE.field("value", StringField.class);

    private NodeLayouts() {}
}
