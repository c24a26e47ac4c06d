package dev.chameleon.workbench.trainer.pack;

import java.util.List;

/**
 * Which piece of which example goes into which window, in row order, and the report. Pieces are whole examples
 * unless {@link OversizePolicy#CUT_AT_TURN} split one; load a window's tokens with {@link PackedWindow#load}.
 */
public final class PackPlan {

    private final List<PackItem> items;
    private final int capacity;
    private final int[] windowStart;
    private final int[] pieceItem;
    private final int[] pieceFrom;
    private final int[] pieceLength;
    private final PackReport report;

    PackPlan(List<PackItem> items, int capacity, int[] windowStart, int[] pieceItem, int[] pieceFrom,
             int[] pieceLength, PackReport report) {
        this.items = items;
        this.capacity = capacity;
        this.windowStart = windowStart;
        this.pieceItem = pieceItem;
        this.pieceFrom = pieceFrom;
        this.pieceLength = pieceLength;
        this.report = report;
    }

    public int capacity() {
        return capacity;
    }

    public int windows() {
        return windowStart.length - 1;
    }

    public PackReport report() {
        return report;
    }

    /** The items as given to the packer; {@link #itemIndex} indexes this list. */
    public List<PackItem> items() {
        return items;
    }

    /** Pieces (documents) in window {@code w}. */
    public int pieces(int w) {
        return windowStart[w + 1] - windowStart[w];
    }

    /** Index, in {@link #items()}, of the example that the {@code k}-th piece of window {@code w} comes from. */
    public int itemIndex(int w, int k) {
        return pieceItem[slot(w, k)];
    }

    /** First position, in its example, of the {@code k}-th piece of window {@code w}. */
    public int from(int w, int k) {
        return pieceFrom[slot(w, k)];
    }

    /** Tokens of the {@code k}-th piece of window {@code w}. */
    public int length(int w, int k) {
        return pieceLength[slot(w, k)];
    }

    /** Real tokens in window {@code w}. */
    public int used(int w) {
        int n = 0;
        for (int s = windowStart[w]; s < windowStart[w + 1]; s++) {
            n += pieceLength[s];
        }
        return n;
    }

    private int slot(int w, int k) {
        int s = windowStart[w] + k;
        if (k < 0 || s >= windowStart[w + 1]) {
            throw new IndexOutOfBoundsException("piece " + k + " of window " + w + " (it holds " + pieces(w) + ")");
        }
        return s;
    }
}
