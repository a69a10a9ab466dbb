// Inspector layer, map: SVG output, written as text.
package dev.mappedheap.inspector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes the picture as an SVG document: one {@code rect} or {@code text} element per call. */
final class SvgCanvas implements Canvas {
    private final StringBuilder svg = new StringBuilder();

    SvgCanvas(int width, int height) {
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                        + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" shape-rendering=\"crispEdges\">%n",
                        width, height, width, height));
    }

    @Override
    public void rect(int x, int y, int width, int height, int rgb) {
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#%06x\"/>%n",
                x, y, width, height, rgb & 0xFFFFFF));
    }

    @Override
    public void text(int x, int y, String text, int size, int rgb) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" fill=\"#%06x\">%s</text>%n",
                x, y, size, rgb & 0xFFFFFF, escape(text)));
    }

    @Override
    public void save(Path file) throws IOException {
        Files.writeString(file, svg + "</svg>\n", StandardCharsets.UTF_8);
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c < 0x20 ? ' ' : c);
            }
        }
        return out.toString();
    }
}
