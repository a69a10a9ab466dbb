// Examples, XML tree: import an XML file into a node tree, edit one text in place, print the document back.
package dev.mappedheap.examples.xmltree;

import dev.mappedheap.allocator.HeapOptions;
import dev.mappedheap.allocator.MappedHeap;
import dev.mappedheap.structs.roots.NamedRoots;
import dev.mappedheap.structs.tree.NodeTree;
import dev.mappedheap.structs.tx.Transactions;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The XML tree editor example: reads an XML file into a {@link NodeTree} in a heap file, replaces the text of
 * the first element with a given name, and prints the document back. To show that an edit costs what it
 * changes, not what the document weighs, it compares the heap file before and after the edit and reports how
 * many bytes differ: the new text, a few words of the tree, and the transaction's and allocator's own
 * bookkeeping, against a file of a megabyte.
 *
 * <p>Run it with the JVM flags Chronicle Bytes needs ({@code heap.jvm.flags} in the parent pom):
 * {@code java FLAGS -cp CLASSPATH dev.mappedheap.examples.xmltree.XmlTreeExample HEAP [XML [ELEMENT TEXT]]}.
 */
public final class XmlTreeExample {
    /** What one run did. */
    record Result(long xmlBytes, long nodes, long heapFileBytes, long changedBytes, String oldText) {}

    private XmlTreeExample() {}

    /**
     * @param args the heap file (replaced if it exists), then optionally an XML file (default: a small
     *     bundled catalog), the element whose text to replace (default {@code title}) and the new text
     */
    public static void main(String[] args) throws Exception {
        Path heapFile = Path.of(args.length > 0 ? args[0] : "xmltree.heap");
        byte[] xml;
        if (args.length > 1) {
            xml = Files.readAllBytes(Path.of(args[1]));
        } else {
            try (InputStream sample = XmlTreeExample.class.getResourceAsStream("catalog.xml")) {
                xml = sample.readAllBytes();
            }
        }
        String element = args.length > 2 ? args[2] : "title";
        String text = args.length > 3 ? args[3] : "The Art of Computer Programming, Vol. 4B";
        run(heapFile, xml, element, text, System.out);
    }

    static Result run(Path heapFile, byte[] xml, String element, String newText, PrintStream out) throws Exception {
        Files.deleteIfExists(heapFile);
        try (MappedHeap heap = MappedHeap.create(heapFile, HeapOptions.defaults())) {
            Transactions transactions = Transactions.create(heap, 4);
            NodeTree tree = XmlImporter.importXml(transactions, new ByteArrayInputStream(xml));
            NamedRoots roots = NamedRoots.open(heap);
            roots.put("transactions", transactions.offset());
            roots.put("document", tree.headerOffset());
            out.printf("imported %,d bytes of XML: %,d nodes, %,d attributes, into %s (%,d bytes)%n", xml.length,
                    tree.size(), tree.attributeCount(), heapFile, Files.size(heapFile));

            long target = find(tree, element);
            if (target == 0) {
                throw new IllegalArgumentException("no element named " + element + " in the document");
            }
            byte[] before = Files.readAllBytes(heapFile); // the mapping and the file share the page cache
            String oldText = tree.text(target);
            tree.setText(target, newText);                   // one transaction
            byte[] after = Files.readAllBytes(heapFile);
            long changed = differingBytes(before, after);
            out.printf("replaced the text of <%s>: \"%s\" -> \"%s\"%n", element, oldText, newText);
            out.printf("bytes of the heap file that changed: %,d of %,d (the XML file is %,d bytes)%n", changed,
                    after.length, xml.length);

            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            XmlPrinter.print(tree, writer);
            writer.flush();
            out.println("tree check: " + tree.check() + ", heap check: " + (heap.check().ok() ? "clean" : heap.check()));
            return new Result(xml.length, tree.size(), after.length, changed, oldText);
        }
    }

    /** @return the first node named {@code name} in document order, or 0 */
    private static long find(NodeTree tree, String name) {
        return tree.read(() -> {
            Deque<Long> pending = new ArrayDeque<>();
            pending.push(tree.root());
            while (!pending.isEmpty()) {
                long node = pending.pop();
                if (tree.name(node).equals(name)) {
                    return node;
                }
                long[] children = tree.children(node);
                for (int i = children.length - 1; i >= 0; i--) {
                    pending.push(children[i]);
                }
            }
            return 0L;
        });
    }

    private static long differingBytes(byte[] before, byte[] after) {
        long differing = Math.abs((long) after.length - before.length);
        for (int i = 0; i < Math.min(before.length, after.length); i++) {
            if (before[i] != after[i]) {
                differing++;
            }
        }
        return differing;
    }
}
