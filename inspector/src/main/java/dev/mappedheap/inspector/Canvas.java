// Inspector layer, map: what a picture is drawn on, PNG or SVG.
package dev.mappedheap.inspector;

import java.io.IOException;
import java.nio.file.Path;

/** A surface the heap picture draws on: {@link PngCanvas} or {@link SvgCanvas}. Colours are 0xRRGGBB. */
interface Canvas {
    /** Fills a rectangle. */
    void rect(int x, int y, int width, int height, int rgb);

    /** Writes text with its baseline at {@code y}; {@code size} is the font size in pixels. */
    void text(int x, int y, String text, int size, int rgb);

    /** Writes the picture to {@code file}. */
    void save(Path file) throws IOException;
}
