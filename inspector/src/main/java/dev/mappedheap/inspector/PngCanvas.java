// Inspector layer, map: PNG output through java.awt and javax.imageio.
package dev.mappedheap.inspector;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Draws into a {@link BufferedImage} and writes it as PNG. Runs headless. A JVM without any font (some minimal
 * containers) cannot draw text: the picture is then written without its labels rather than not at all.
 */
final class PngCanvas implements Canvas {
    private final BufferedImage image;
    private final Graphics2D g;
    private boolean textWorks = true;

    PngCanvas(int width, int height) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    }

    @Override
    public void rect(int x, int y, int width, int height, int rgb) {
        g.setColor(new Color(rgb));
        g.fillRect(x, y, width, height);
    }

    @Override
    public void text(int x, int y, String text, int size, int rgb) {
        if (!textWorks) {
            return;
        }
        try {
            g.setColor(new Color(rgb));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
            g.drawString(text, x, y);
        } catch (RuntimeException | Error noFonts) { // e.g. no fontconfig: keep the picture, drop the labels
            textWorks = false;
        }
    }

    @Override
    public void save(Path file) throws IOException {
        g.dispose();
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("this JVM has no PNG writer: file=" + file);
        }
    }
}
