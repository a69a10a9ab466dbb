// Examples, XML tree: reading an XML document into a node tree with the JDK's StAX parser.
package dev.mappedheap.examples.xmltree;

import dev.mappedheap.structs.tree.NodeData;
import dev.mappedheap.structs.tree.NodeTree;
import dev.mappedheap.structs.tx.Transaction;
import dev.mappedheap.structs.tx.Transactions;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streams an XML document into a new {@link NodeTree}, all in one transaction: the document is in the heap
 * whole or not at all. Each element becomes a node (its qualified name as written, its attributes in order);
 * an element's character data, stripped of surrounding whitespace, becomes its text (text between child
 * elements is joined: the tree has one text per node). Comments and processing instructions are dropped.
 * DTDs and external entities are refused, so a document cannot make the parser read other files.
 */
final class XmlImporter {
    private XmlImporter() {}

    /**
     * @return the tree holding the document; its header offset is what to store to find it again
     * @throws XMLStreamException if the document is not well-formed XML; nothing was written
     */
    static NodeTree importXml(Transactions transactions, InputStream xml) throws XMLStreamException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        XMLStreamReader reader = factory.createXMLStreamReader(xml);
        try (Transaction tx = transactions.begin()) {
            NodeTree tree = null;
            Deque<Long> open = new ArrayDeque<>();
            Deque<StringBuilder> texts = new ArrayDeque<>();
            while (reader.hasNext()) {
                switch (reader.next()) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        String name = qualifiedName(reader.getPrefix(), reader.getLocalName());
                        long node;
                        if (tree == null) {
                            tree = NodeTree.create(transactions, tx, name);
                            node = tree.root();
                        } else {
                            node = tree.insert(tx, open.peek(), 0, NodeData.of(name));
                        }
                        for (int i = 0; i < reader.getAttributeCount(); i++) {
                            tree.setAttribute(tx, node, qualifiedName(reader.getAttributePrefix(i),
                                    reader.getAttributeLocalName(i)), reader.getAttributeValue(i));
                        }
                        open.push(node);
                        texts.push(new StringBuilder());
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                        if (!texts.isEmpty()) {
                            texts.peek().append(reader.getText());
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        String text = texts.pop().toString().strip();
                        long node = open.pop();
                        if (!text.isEmpty()) {
                            tree.setText(tx, node, text);
                        }
                    }
                    default -> {
                        // comments, processing instructions, the document's start and end: nothing to keep
                    }
                }
            }
            reader.close();
            if (tree == null) {
                throw new XMLStreamException("the document has no root element");
            }
            tx.commit();
            return tree;
        }
    }

    private static String qualifiedName(String prefix, String localName) {
        return prefix == null || prefix.isEmpty() ? localName : prefix + ":" + localName;
    }
}
