// Inspector layer, map: the file cut into equal cells, with what fills each one.
package dev.mappedheap.inspector;

/**
 * The file from offset 0 to its capacity, cut into {@code cells} cells of {@code bytesPerCell} bytes, and for
 * each cell how many of its bytes are header and journal, blocks in use, free blocks, top, or unreadable (past
 * where a walk stopped). Adding a range costs one step per cell it touches.
 */
final class CellMap {
    /** What a byte of the file is. */
    enum Kind { METADATA, USED, FREE, TOP, UNREADABLE }

    final int cells;
    final long bytesPerCell;
    private final long[][] bytes;

    /**
     * @param capacity bytes to cover
     * @param maxCells cells available; the cell size is the smallest multiple of 16 that covers the capacity
     */
    CellMap(long capacity, int maxCells) {
        long perCell = Math.max(16, (capacity + maxCells - 1) / maxCells);
        this.bytesPerCell = (perCell + 15) & ~15L;
        this.cells = (int) ((capacity + bytesPerCell - 1) / bytesPerCell);
        this.bytes = new long[Kind.values().length][cells];
    }

    /** Counts {@code [from, to)} as {@code kind}. */
    void add(long from, long to, Kind kind) {
        long[] counts = bytes[kind.ordinal()];
        while (from < to) {
            int cell = (int) (from / bytesPerCell);
            if (cell >= cells) {
                return;
            }
            long end = Math.min(to, (cell + 1L) * bytesPerCell);
            counts[cell] += end - from;
            from = end;
        }
    }

    /** @return bytes of {@code cell} that are {@code kind} */
    long bytes(int cell, Kind kind) {
        return bytes[kind.ordinal()][cell];
    }
}
