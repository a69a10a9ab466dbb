// Structs layer, node tree: the full invariant check behind NodeTree.check().
package dev.mappedheap.structs.tree;

import static dev.mappedheap.structs.tree.NodeLayouts.*;

import dev.mappedheap.allocator.HeapException;
import dev.mappedheap.structs.StringField;
import dev.mappedheap.structs.StructView;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks the whole tree once, from the root, and compares it with every invariant of the format: each node a
 * live node record of this tree whose {@code parent} is the node it was reached from; each child list, walked
 * forwards, as long as {@code childCount}, with every {@code prevSibling} pointing back and {@code lastChild}
 * at its end; the root without parent or siblings; every name a valid string, every text null or valid;
 * each attribute list as long as {@code attributeCount}, with valid, distinct names and valid values; the
 * header's counts equal to what was found. Read-only. Bounded: every node is visited once (a node reached
 * twice is reported, not walked again), every list walk stops at its count, and the whole walk at the number
 * of node records the heap could hold, so a damaged file cannot make it loop; it stops collecting after
 * {@link NodeTreeCheckReport#MAX_PROBLEMS} problems.
 */
final class NodeTreeChecker {
    private final TreeNodes nodes;
    private final List<String> problems = new ArrayList<>();
    private final Set<Long> seen = new HashSet<>();
    private final StructView view;
    private final StructView child;
    private final StructView attribute;
    private long attributes;
    private long blocks;

    NodeTreeChecker(TreeNodes nodes) {
        this.nodes = nodes;
        this.view = NODE.newView(nodes.heap);
        this.child = NODE.newView(nodes.heap);
        this.attribute = ATTRIBUTE.newView(nodes.heap);
    }

    NodeTreeCheckReport run() {
        blocks = 1;
        try {
            long limit = nodes.maxRecords(NODE.size());
            long root = nodes.root();
            ArrayDeque<long[]> pending = new ArrayDeque<>();
            pending.push(new long[] {root, 0});
            while (!pending.isEmpty() && room()) {
                long[] next = pending.pop();
                if (seen.size() >= limit) {
                    problem("more nodes than the heap could hold (a cycle?): nodes=" + seen.size() + " limit=" + limit);
                    break;
                }
                visit(next[0], next[1], root, pending, limit);
            }
            compare("nodeCount", nodes.heap.readLong(nodes.header + TreeHeaderLayout.NODE_COUNT_OFFSET), seen.size());
            compare("attributeCount", nodes.heap.readLong(nodes.header + TreeHeaderLayout.ATTRIBUTE_COUNT_OFFSET),
                    attributes);
        } catch (HeapException e) {
            problem("unreadable tree: " + e.getMessage());
        }
        return new NodeTreeCheckReport(problems, seen.size(), attributes, blocks);
    }

    private void visit(long node, long parent, long root, ArrayDeque<long[]> pending, long limit) {
        if (!seen.add(node)) {
            problem("node reached twice (shared or cyclic link): node=" + node + " parent=" + parent);
            return;
        }
        try {
            nodes.linked(view, node, parent, parent == 0 ? "root" : "child");
        } catch (HeapException e) {
            problem(e.getMessage());
            return;
        }
        blocks++;
        if (PARENT.get(view) != parent) {
            problem("parent link wrong: node=" + node + " parent=" + PARENT.get(view) + " expected=" + parent);
        }
        if (node == root && (PREV_SIBLING.get(view) != 0 || NEXT_SIBLING.get(view) != 0)) {
            problem("root has siblings: node=" + node + " prev=" + PREV_SIBLING.get(view) + " next="
                    + NEXT_SIBLING.get(view));
        }
        checkString(view, NAME, node, "name", false);
        checkString(view, TEXT, node, "text", true);
        checkChildren(node, pending, limit);
        checkAttributes(node);
    }

    private void checkChildren(long node, ArrayDeque<long[]> pending, long limit) {
        long count = CHILD_COUNT.get(view);
        long last = LAST_CHILD.get(view);
        long at = FIRST_CHILD.get(view);
        long previous = 0;
        long walked = 0;
        while (at != 0 && walked <= count && walked < limit) {
            try {
                nodes.linked(child, at, node, "child");
            } catch (HeapException e) {
                problem(e.getMessage());
                return;
            }
            if (PREV_SIBLING.get(child) != previous) {
                problem("prevSibling does not point back: node=" + at + " prevSibling=" + PREV_SIBLING.get(child)
                        + " expected=" + previous + " parent=" + node);
            }
            pending.push(new long[] {at, node});
            previous = at;
            at = NEXT_SIBLING.get(child);
            walked++;
        }
        if (walked != count || at != 0) {
            problem("child list disagrees with childCount: node=" + node + " childCount=" + count + " walked="
                    + walked + (at != 0 ? " (chain goes on)" : ""));
        }
        if (last != previous) {
            problem("lastChild is not the end of the child list: node=" + node + " lastChild=" + last + " end="
                    + previous);
        }
    }

    private void checkAttributes(long node) {
        long count = ATTRIBUTE_COUNT.get(view);
        long limit = nodes.maxRecords(ATTRIBUTE.size());
        Set<String> names = new HashSet<>();
        long at = FIRST_ATTRIBUTE.get(view);
        long walked = 0;
        while (at != 0 && walked <= count && walked < limit) {
            try {
                nodes.attribute(attribute, at, node);
            } catch (HeapException e) {
                problem(e.getMessage());
                return;
            }
            blocks++;
            String name = checkString(attribute, ATTR_NAME, at, "attribute name", false);
            checkString(attribute, ATTR_VALUE, at, "attribute value", false);
            if (name != null && !names.add(name)) {
                problem("attribute name twice on one node: node=" + node + " name=" + name);
            }
            attributes++;
            walked++;
            at = ATTR_NEXT.get(attribute);
        }
        if (walked != count || at != 0) {
            problem("attribute list disagrees with attributeCount: node=" + node + " attributeCount=" + count
                    + " walked=" + walked + (at != 0 ? " (chain goes on)" : ""));
        }
    }

    /** @return the string, or null if it is null or unreadable (reported) */
    private String checkString(StructView record, StringField field, long at, String what, boolean nullable) {
        try {
            String value = field.get(record);
            if (value == null && !nullable) {
                problem(what + " is null: record=" + at);
            }
            if (value != null) {
                blocks++;
            }
            return value;
        } catch (HeapException e) {
            problem(what + " unreadable: record=" + at + " (" + e.getMessage() + ")");
            return null;
        }
    }

    private void compare(String name, long stored, long found) {
        if (stored != found) {
            problem("header " + name + " disagrees with the tree: " + name + "=" + stored + " found=" + found);
        }
    }

    private boolean room() {
        return problems.size() < NodeTreeCheckReport.MAX_PROBLEMS;
    }

    private void problem(String problem) {
        if (room()) {
            problems.add(problem);
        }
    }
}
