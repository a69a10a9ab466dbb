package dev.mappedheap.examples.xmltree;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The XML tree example imports the bundled catalog, edits one title, and prints the document back. */
class XmlTreeExampleTest {
    @TempDir
    Path dir;

    @Test
    void importsEditsAndPrintsTheCatalog() throws Exception {
        byte[] xml;
        try (InputStream sample = XmlTreeExample.class.getResourceAsStream("catalog.xml")) {
            xml = sample.readAllBytes();
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        XmlTreeExample.Result result;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            result = XmlTreeExample.run(dir.resolve("xml.heap"), xml, "title", "Der Zauberberg (Neuausgabe)", out);
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(result.nodes()).isEqualTo(18);
        assertThat(result.oldText()).isEqualTo("The Art of Computer Programming");
        assertThat(output).contains("<title>Der Zauberberg (Neuausgabe)</title>")
                .contains("<title>Der Zauberberg</title>")
                .contains("<note>Volumes 1–4B, boxed &amp; signed</note>")
                .contains("<shelf row=\"3\" column=\"12\"/>")
                .contains("<catalog owner=\"library\" updated=\"2026-12-04\">")
                .doesNotContain("The Art of Computer Programming</title>")
                .contains("tree check: NodeTreeCheckReport{ok");
        assertThat(result.changedBytes()).as("an edit changes a few hundred bytes of a megabyte file")
                .isPositive().isLessThan(2048);
        assertThat(result.heapFileBytes()).isGreaterThanOrEqualTo(1 << 20);
    }
}
