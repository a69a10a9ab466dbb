package dev.mappedheap.structs.tree;

import dev.mappedheap.structs.tx.Transaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A DOM-like model of a node tree in plain Java objects, and a seeded generator of random operations that
 * applies each one to the model and (when given) to a {@link NodeTree}. Targets are chosen by position in
 * the model's document order, so replaying the same seed on an equal model makes the same choices without a
 * tree: the kill test replays a killed worker's committed operations that way.
 */
final class TreeModel {
    /** A model node; {@code offset} is the tree node it stands for (0 where no tree is kept in step). */
    static final class Node {
        String name;
        final Map<String, String> attributes = new LinkedHashMap<>();
        String text;
        final List<Node> children = new ArrayList<>();
        Node parent;
        long offset;

        Node(String name) {
            this.name = name;
        }
    }

    private static final String[] NAMES = {"a", "b", "item", "section", "para", "ü-node", "x"};
    private static final String[] ATTRIBUTES = {"id", "class", "lang", "ß", "href"};

    Node root;
    /** Upper bound on nodes; above it removes are favoured. */
    final int maxNodes;

    TreeModel(Node root, int maxNodes) {
        this.root = root;
        this.maxNodes = maxNodes;
    }

    /** @return a model of {@code tree}, each node with its offset */
    static TreeModel of(NodeTree tree, int maxNodes) {
        return tree.read(() -> new TreeModel(load(tree, tree.root(), null), maxNodes));
    }

    private static Node load(NodeTree tree, long offset, Node parent) {
        Node node = new Node(tree.name(offset));
        node.offset = offset;
        node.parent = parent;
        node.text = tree.text(offset);
        node.attributes.putAll(tree.attributes(offset));
        for (long child : tree.children(offset)) {
            node.children.add(load(tree, child, node));
        }
        return node;
    }

    TreeModel copy() {
        return new TreeModel(copy(root, null), maxNodes);
    }

    private static Node copy(Node from, Node parent) {
        Node node = new Node(from.name);
        node.offset = from.offset;
        node.parent = parent;
        node.text = from.text;
        node.attributes.putAll(from.attributes);
        for (Node child : from.children) {
            node.children.add(copy(child, node));
        }
        return node;
    }

    List<Node> preorder() {
        List<Node> all = new ArrayList<>();
        collect(root, all);
        return all;
    }

    private static void collect(Node node, List<Node> into) {
        into.add(node);
        for (Node child : node.children) {
            collect(child, into);
        }
    }

    /** @return the model as XML-like text, attributes and children in order */
    String render() {
        StringBuilder out = new StringBuilder();
        render(root, out);
        return out.toString();
    }

    private static void render(Node node, StringBuilder out) {
        out.append('<').append(node.name);
        node.attributes.forEach((k, v) -> out.append(' ').append(k).append("=\"").append(v).append('"'));
        out.append('>');
        if (node.text != null) {
            out.append("[").append(node.text).append("]");
        }
        node.children.forEach(child -> render(child, out));
        out.append("</").append(node.name).append('>');
    }

    /** @return the same rendering of a snapshot read from a tree */
    static String render(NodeData data) {
        StringBuilder out = new StringBuilder();
        render(data, out);
        return out.toString();
    }

    private static void render(NodeData data, StringBuilder out) {
        out.append('<').append(data.name());
        data.attributes().forEach((k, v) -> out.append(' ').append(k).append("=\"").append(v).append('"'));
        out.append('>');
        if (data.text() != null) {
            out.append("[").append(data.text()).append("]");
        }
        data.children().forEach(child -> render(child, out));
        out.append("</").append(data.name()).append('>');
    }

    /**
     * Makes one random change to the model and, if {@code tree} is not null, the same change to the tree: in
     * {@code tx} when it is not null, else in a transaction of its own.
     *
     * @return a short description of the operation
     */
    String step(SplittableRandom random, NodeTree tree, Transaction tx) {
        List<Node> all = preorder();
        int roll = random.nextInt(100);
        if (all.size() >= maxNodes && roll < 40) {
            roll = 40; // favour removes once the tree is full
        }
        if (all.size() == 1 && roll >= 40 && roll < 60) {
            roll = 0; // nothing to remove or move yet
        }
        Node target = all.get(random.nextInt(all.size()));
        if (roll < 40) {
            int position = random.nextInt(target.children.size() + 1);
            NodeData data = randomData(random, 1 + random.nextInt(3));
            Node before = position < target.children.size() ? target.children.get(position) : null;
            Node added = fromData(data, target);
            target.children.add(position, added);
            if (tree != null) {
                long offset = tx == null ? tree.insert(target.offset, before == null ? 0 : before.offset, data)
                        : tree.insert(tx, target.offset, before == null ? 0 : before.offset, data);
                bindOffsets(tree, added, offset);
            }
            return "insert under " + target.name + " at " + position;
        }
        if (roll < 52) {
            Node victim = all.get(1 + random.nextInt(all.size() - 1));
            victim.parent.children.remove(victim);
            if (tree != null) {
                if (tx == null) {
                    tree.remove(victim.offset);
                } else {
                    tree.remove(tx, victim.offset);
                }
            }
            return "remove " + victim.name;
        }
        if (roll < 60) {
            Node moved = all.get(1 + random.nextInt(all.size() - 1));
            List<Node> outside = new ArrayList<>(all);
            outside.removeAll(subtree(moved));
            Node parent = outside.get(random.nextInt(outside.size()));
            moved.parent.children.remove(moved);
            int position = random.nextInt(parent.children.size() + 1);
            Node before = position < parent.children.size() ? parent.children.get(position) : null;
            parent.children.add(position, moved);
            moved.parent = parent;
            if (tree != null) {
                if (tx == null) {
                    tree.move(moved.offset, parent.offset, before == null ? 0 : before.offset);
                } else {
                    tree.move(tx, moved.offset, parent.offset, before == null ? 0 : before.offset);
                }
            }
            return "move " + moved.name + " under " + parent.name;
        }
        if (roll < 75) {
            String text = random.nextInt(10) == 0 ? null : randomText(random);
            target.text = text;
            if (tree != null) {
                if (tx == null) {
                    tree.setText(target.offset, text);
                } else {
                    tree.setText(tx, target.offset, text);
                }
            }
            return "text of " + target.name;
        }
        if (roll < 88) {
            String name = ATTRIBUTES[random.nextInt(ATTRIBUTES.length)];
            String value = randomText(random);
            boolean added = !target.attributes.containsKey(name);
            target.attributes.put(name, value);
            if (tree != null) {
                boolean treeAdded = tx == null ? tree.setAttribute(target.offset, name, value)
                        : tree.setAttribute(tx, target.offset, name, value);
                check(treeAdded == added, "setAttribute says new=" + treeAdded + ", model " + added);
            }
            return "set attribute " + name;
        }
        if (roll < 95) {
            String name = ATTRIBUTES[random.nextInt(ATTRIBUTES.length)];
            boolean present = target.attributes.remove(name) != null;
            if (tree != null) {
                boolean treePresent = tx == null ? tree.removeAttribute(target.offset, name)
                        : tree.removeAttribute(tx, target.offset, name);
                check(treePresent == present, "removeAttribute says present=" + treePresent + ", model " + present);
            }
            return "remove attribute " + name;
        }
        String name = NAMES[random.nextInt(NAMES.length)];
        target.name = name;
        if (tree != null) {
            if (tx == null) {
                tree.rename(target.offset, name);
            } else {
                tree.rename(tx, target.offset, name);
            }
        }
        return "rename to " + name;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    private static List<Node> subtree(Node node) {
        List<Node> nodes = new ArrayList<>();
        collect(node, nodes);
        return nodes;
    }

    private static Node fromData(NodeData data, Node parent) {
        Node node = new Node(data.name());
        node.parent = parent;
        node.text = data.text();
        node.attributes.putAll(data.attributes());
        for (NodeData child : data.children()) {
            node.children.add(fromData(child, node));
        }
        return node;
    }

    private static void bindOffsets(NodeTree tree, Node node, long offset) {
        node.offset = offset;
        long[] children = tree.children(offset);
        for (int i = 0; i < children.length; i++) {
            bindOffsets(tree, node.children.get(i), children[i]);
        }
    }

    static NodeData randomData(SplittableRandom random, int nodes) {
        NodeData data = NodeData.of(NAMES[random.nextInt(NAMES.length)]);
        if (random.nextBoolean()) {
            data = data.withText(randomText(random));
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            data = data.withAttribute(ATTRIBUTES[random.nextInt(ATTRIBUTES.length)], randomText(random));
        }
        for (int left = nodes - 1; left > 0; ) {
            int size = 1 + random.nextInt(left);
            data = data.withChild(randomData(random, size));
            left -= size;
        }
        return data;
    }

    static String randomText(SplittableRandom random) {
        int length = random.nextInt(5) == 0 ? random.nextInt(200) : random.nextInt(12);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(20);
            text.append(kind == 0 ? 'é' : kind == 1 ? '€' : (char) ('a' + random.nextInt(26)));
        }
        if (random.nextInt(30) == 0) {
            text.append("\uD83D\uDE00"); // a surrogate pair: four UTF-8 bytes
        }
        return text.toString();
    }
}
