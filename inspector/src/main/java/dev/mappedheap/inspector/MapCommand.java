// Inspector layer: the map command.
package dev.mappedheap.inspector;

import dev.mappedheap.allocator.MappedHeap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code map HEAP}: draws the heap as a picture (see {@link HeapPicture}) to a PNG or SVG file, so a person
 * can see at a glance where the free space is and how scattered it is.
 */
@Command(name = "map", description = "Draw the heap as a picture (PNG or SVG): used and free regions along the"
        + " file, and a histogram of free-block sizes.")
final class MapCommand extends HeapCommand {

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "heap-map.png",
            description = "where to write the picture; .svg writes SVG, anything else PNG (default: ${DEFAULT-VALUE})")
    Path output;

    @Option(names = "--width", paramLabel = "PIXELS", defaultValue = "1024",
            description = "picture width, 256..8192 (default: ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--rows", paramLabel = "ROWS", defaultValue = "96",
            description = "rows of cells the file is wrapped into, 1..2048 (default: ${DEFAULT-VALUE})")
    int rows;

    @Option(names = "--cell", paramLabel = "PIXELS", defaultValue = "4",
            description = "side of one cell, 1..64 (default: ${DEFAULT-VALUE})")
    int cell;

    @Option(names = "--format", paramLabel = "FORMAT", description = "png or svg (default: from the file name)")
    String format;

    @Override
    int run(MappedHeap heap) {
        requireRange("--width", width, 256, 8192);
        requireRange("--rows", rows, 1, 2048);
        requireRange("--cell", cell, 1, 64);
        boolean svg = format != null ? format.equalsIgnoreCase("svg")
                : output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg");
        if (format != null && !svg && !format.equalsIgnoreCase("png")) {
            throw new InspectorException("unknown --format: " + format + " (png or svg)");
        }
        HeapPicture picture = new HeapPicture(width, rows, cell);
        long capacity = heap.info().capacity();
        CellMap map = new CellMap(capacity, picture.cells());
        HeapSurvey survey = HeapSurvey.of(heap, (offset, size, inUse) -> map.add(offset, offset + size,
                inUse ? CellMap.Kind.USED : CellMap.Kind.FREE), progressBar());
        map.add(0, survey.walk.heapStart(), CellMap.Kind.METADATA);
        long blocksEnd = survey.walk.complete() ? survey.walk.top() : survey.walk.stoppedAt();
        map.add(blocksEnd, survey.walk.top(), CellMap.Kind.UNREADABLE);
        map.add(survey.walk.top(), capacity, CellMap.Kind.TOP);
        String title = String.format(Locale.ROOT, "%s  capacity %s  in use %s  free %s  fragmentation %.3f",
                file.getFileName(), Units.bytes(capacity), Units.bytes(survey.walk.liveBytes()),
                Units.bytes(survey.freeBytes()), survey.fragmentation());
        Canvas canvas = svg ? new SvgCanvas(width, picture.height()) : new PngCanvas(width, picture.height());
        picture.draw(canvas, title, map, survey.histogram.buckets());
        try {
            canvas.save(output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the picture: " + output + ": " + e.getMessage(), e);
        }
        out().println("wrote " + output + ": " + (svg ? "SVG" : "PNG") + " " + width + " x " + picture.height()
                + " px, " + picture.columns + " x " + rows + " cells of " + Units.bytes(map.bytesPerCell));
        if (survey.changedNote() != null) {
            out().println(survey.changedNote());
        }
        if (!survey.walk.complete()) {
            out().println("walk stopped early (drawn red from there): " + survey.walk.problem());
            return Inspector.EXIT_PROBLEMS;
        }
        return 0;
    }

    private static void requireRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InspectorException(option + " out of range: " + value + " (" + min + ".." + max + ")");
        }
    }
}
