// Inspector layer, map: the layout and drawing of the heap picture.
package dev.mappedheap.inspector;

import java.util.List;
import java.util.Locale;

/**
 * The heap as a picture, top to bottom: a title line; the file as a grid of cells read like text (left to
 * right, then the next row), each cell {@code bytesPerCell} bytes coloured by what fills it (blue in use,
 * orange free, light grey the top, dark grey header and journal, red unreadable; a mixed cell mixes the
 * colours by share); a legend; and a histogram of free-block sizes (bytes per power-of-two bucket).
 *
 * <p>Size in pixels: {@code width} wide; {@code TITLE + rows * cell + LEGEND + HISTOGRAM} high (28 + rows *
 * cell + 24 + 180), whatever the heap.
 */
final class HeapPicture {
    static final int MARGIN = 8;
    static final int TITLE = 28;
    static final int LEGEND = 24;
    static final int HISTOGRAM = 180;

    static final int BACKGROUND = 0xFFFFFF;
    static final int INK = 0x202020;
    static final int[] COLOURS = {
        0x5F6368, // METADATA
        0x2F6FDB, // USED
        0xF5A623, // FREE
        0xE3E3E3, // TOP
        0xD0021B, // UNREADABLE
    };
    private static final String[] LABELS = {"header+journal", "in use", "free block", "top (unused)", "unreadable"};

    final int width;
    final int rows;
    final int cell;
    final int columns;

    /**
     * @param width picture width in pixels
     * @param rows rows of cells
     * @param cell side of a cell in pixels
     */
    HeapPicture(int width, int rows, int cell) {
        this.width = width;
        this.rows = rows;
        this.cell = cell;
        this.columns = (width - 2 * MARGIN) / cell;
    }

    /** @return the picture's height in pixels */
    int height() {
        return TITLE + rows * cell + LEGEND + HISTOGRAM;
    }

    /** @return cells in the grid */
    int cells() {
        return columns * rows;
    }

    void draw(Canvas canvas, String title, CellMap map, List<FreeSizeHistogram.Bucket> buckets) {
        canvas.rect(0, 0, width, height(), BACKGROUND);
        canvas.text(MARGIN, 19, title, 13, INK);
        drawGrid(canvas, map);
        drawLegend(canvas, map);
        drawHistogram(canvas, buckets);
    }

    private void drawGrid(Canvas canvas, CellMap map) {
        for (int row = 0; row < rows; row++) {
            int runStart = 0;
            int runColour = -1;
            for (int column = 0; column <= columns; column++) {
                int index = row * columns + column;
                int colour = column == columns ? -2 : index < map.cells ? colour(map, index) : BACKGROUND;
                if (colour != runColour) {
                    if (runColour >= 0 && runColour != BACKGROUND) {
                        canvas.rect(MARGIN + runStart * cell, TITLE + row * cell, (column - runStart) * cell, cell,
                                runColour);
                    }
                    runStart = column;
                    runColour = colour;
                }
            }
        }
    }

    /**
     * @return the cell's kinds mixed by their share of its bytes, shares rounded to 1/32 so a cell of one kind
     *     has exactly that kind's colour and runs of alike cells merge (fewer SVG elements)
     */
    private static int colour(CellMap map, int index) {
        double r = 0;
        double g = 0;
        double b = 0;
        double covered = 0;
        for (CellMap.Kind kind : CellMap.Kind.values()) {
            double share = Math.round(32.0 * map.bytes(index, kind) / map.bytesPerCell) / 32.0;
            int c = COLOURS[kind.ordinal()];
            r += share * (c >> 16);
            g += share * ((c >> 8) & 0xFF);
            b += share * (c & 0xFF);
            covered += share;
        }
        double rest = Math.max(0, 1 - covered); // past the capacity, in the last cell
        r += rest * 0xFF;
        g += rest * 0xFF;
        b += rest * 0xFF;
        return (channel(r) << 16) | (channel(g) << 8) | channel(b);
    }

    private static int channel(double value) {
        return Math.max(0, Math.min(0xFF, (int) Math.round(value)));
    }

    private void drawLegend(Canvas canvas, CellMap map) {
        int y = TITLE + rows * cell + 6;
        int x = MARGIN;
        for (CellMap.Kind kind : CellMap.Kind.values()) {
            if (kind == CellMap.Kind.UNREADABLE && !any(map, kind)) {
                continue;
            }
            canvas.rect(x, y, 12, 12, COLOURS[kind.ordinal()]);
            canvas.text(x + 16, y + 11, LABELS[kind.ordinal()], 12, INK);
            x += 24 + 7 * LABELS[kind.ordinal()].length();
        }
        canvas.text(x + 8, y + 11, "1 cell = " + Units.bytes(map.bytesPerCell), 12, INK);
    }

    private static boolean any(CellMap map, CellMap.Kind kind) {
        for (int i = 0; i < map.cells; i++) {
            if (map.bytes(i, kind) != 0) {
                return true;
            }
        }
        return false;
    }

    private void drawHistogram(Canvas canvas, List<FreeSizeHistogram.Bucket> buckets) {
        int top = TITLE + rows * cell + LEGEND;
        canvas.text(MARGIN, top + 14, "free blocks by size: bytes in each power-of-two bucket (count above)", 12, INK);
        int barsTop = top + 36;
        int barsHeight = HISTOGRAM - 36 - 22;
        int baseline = barsTop + barsHeight;
        canvas.rect(MARGIN, baseline, width - 2 * MARGIN, 1, INK);
        if (buckets.isEmpty()) {
            canvas.text(MARGIN, baseline - 8, "no free blocks", 12, INK);
            return;
        }
        long most = buckets.stream().mapToLong(FreeSizeHistogram.Bucket::bytes).max().orElse(1);
        int slot = Math.max(1, (width - 2 * MARGIN) / buckets.size());
        int labelEvery = Math.max(1, (int) Math.ceil(34.0 / slot));
        for (int i = 0; i < buckets.size(); i++) {
            FreeSizeHistogram.Bucket bucket = buckets.get(i);
            int x = MARGIN + i * slot;
            int h = bucket.bytes() == 0 ? 0 : Math.max(1, (int) Math.round(barsHeight * (double) bucket.bytes() / most));
            int barWidth = Math.max(1, slot - 2);
            if (h > 0) {
                canvas.rect(x + 1, baseline - h, barWidth, h, COLOURS[CellMap.Kind.FREE.ordinal()]);
            }
            if (i % labelEvery == 0) {
                canvas.text(x + 1, baseline + 14, Units.shortSize(bucket.from()), 10, INK);
                if (bucket.blocks() > 0 && slot >= 24) {
                    canvas.text(x + 1, baseline - h - 3, String.format(Locale.ROOT, "%,d", bucket.blocks()), 10, INK);
                }
            }
        }
    }
}
