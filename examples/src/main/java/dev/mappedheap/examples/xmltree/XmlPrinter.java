// Examples, XML tree: writing a node tree back out as indented XML.
package dev.mappedheap.examples.xmltree;

import dev.mappedheap.structs.tree.NodeData;
import dev.mappedheap.structs.tree.NodeTree;
import java.io.Writer;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Prints a {@link NodeTree} as XML, two spaces of indentation per level, each node's text before its
 * children. The tree is read in one {@link NodeTree#snapshot}, under its lock, so the output is one state of
 * the document even while other processes edit it.
 */
final class XmlPrinter {
    private XmlPrinter() {}

    static void print(NodeTree tree, Writer out) throws XMLStreamException {
        XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
        xml.writeStartDocument("UTF-8", "1.0");
        write(xml, tree.snapshot(tree.root()), 0);
        xml.writeCharacters("\n");
        xml.writeEndDocument();
        xml.flush();
    }

    private static void write(XMLStreamWriter xml, NodeData node, int depth) throws XMLStreamException {
        xml.writeCharacters("\n" + "  ".repeat(depth));
        if (node.children().isEmpty() && node.text() == null) {
            xml.writeEmptyElement(node.name());
            writeAttributes(xml, node.attributes());
            return;
        }
        xml.writeStartElement(node.name());
        writeAttributes(xml, node.attributes());
        if (node.text() != null) {
            xml.writeCharacters(node.text());
        }
        for (NodeData child : node.children()) {
            write(xml, child, depth + 1);
        }
        if (!node.children().isEmpty()) {
            xml.writeCharacters("\n" + "  ".repeat(depth));
        }
        xml.writeEndElement();
    }

    private static void writeAttributes(XMLStreamWriter xml, Map<String, String> attributes)
            throws XMLStreamException {
        for (Map.Entry<String, String> attribute : attributes.entrySet()) {
            xml.writeAttribute(attribute.getKey(), attribute.getValue());
        }
    }
}
