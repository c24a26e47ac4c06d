package dev.chameleon.workbench.trainer.pack;

import dev.chameleon.workbench.trainer.render.Modality;
import dev.chameleon.workbench.trainer.render.RenderedExample;

import java.util.Arrays;
import java.util.List;

/**
 * One packed row of {@code T} (the capacity) tokens, filled in place from a {@link PackPlan}: token ids, a document
 * id per token, position ids restarting at 0 for each document, the loss mask from rendering, and the
 * block-diagonal causal attention mask on demand. One instance is reused for every window; its arrays are
 * overwritten by each {@link #load}, so {@code load} allocates nothing.
 *
 * <p>A window of T = 8 holding document A (3 tokens, loss on the last two), B (3 tokens, loss on the last one) and
 * C (1 token), then one pad:
 * <pre>
 *   column          0   1   2   3   4   5   6   7
 *   tokens         a0  a1  a2  b0  b1  b2  c0  pad
 *   document ids    0   0   0   1   1   1   2  -1
 *   position ids    0   1   2   0   1   2   0   0
 *   loss mask       .   x   x   .   .   x   .   .
 *
 *   attention (row = query, column = key; x = may attend)
 *                  a0  a1  a2  b0  b1  b2  c0  pad
 *            a0     x   .   .   .   .   .   .   .
 *            a1     x   x   .   .   .   .   .   .
 *            a2     x   x   x   .   .   .   .   .
 *            b0     .   .   .   x   .   .   .   .
 *            b1     .   .   .   x   x   .   .   .
 *            b2     .   .   .   x   x   x   .   .
 *            c0     .   .   .   .   .   .   x   .
 *            pad    .   .   .   .   .   .   .   x
 * </pre>
 * A token attends to itself and to earlier tokens of its own document only. Padding has document id -1, loss off
 * and attends to itself alone, so no softmax row is empty. Document ids number the pieces of this window from 0;
 * {@link #exampleIndex} maps one back to its example. A piece cut by {@link OversizePolicy#CUT_AT_TURN} is a
 * document of its own, with positions from 0.
 */
public final class PackedWindow {

    /** Document id of padding. */
    public static final int PAD_DOCUMENT = -1;

    private final int capacity;
    private final int padToken;
    private final int[] tokens;
    private final int[] documents;
    private final int[] positions;
    private final boolean[] loss;
    private final byte[] modality;
    private final int[] documentStart;
    private final int[] exampleIndex;
    private int length;
    private int documentCount;

    /**
     * @param capacity tokens per row, the packer's capacity
     * @param padToken token id written after the last document
     */
    public PackedWindow(int capacity, int padToken) {
        if (capacity < 1) {
            throw new IllegalArgumentException("window capacity is " + capacity + "; use the packer's capacity (>= 1)");
        }
        this.capacity = capacity;
        this.padToken = padToken;
        this.tokens = new int[capacity];
        this.documents = new int[capacity];
        this.positions = new int[capacity];
        this.loss = new boolean[capacity];
        this.modality = new byte[capacity];
        this.documentStart = new int[capacity + 1];
        this.exampleIndex = new int[capacity];
    }

    /**
     * Fills this row with window {@code w} of {@code plan}.
     *
     * @param examples the rendered examples, in the order of {@link PackPlan#items()}
     * @throws IllegalArgumentException if the plan's capacity differs, or an example's length differs from its item's
     */
    public void load(PackPlan plan, int w, List<RenderedExample> examples) {
        if (plan.capacity() != capacity) {
            throw new IllegalArgumentException("plan capacity " + plan.capacity() + " differs from this window's "
                    + capacity + "; create the PackedWindow with the packer's capacity");
        }
        int at = 0;
        int pieces = plan.pieces(w);
        for (int d = 0; d < pieces; d++) {
            int item = plan.itemIndex(w, d);
            int from = plan.from(w, d);
            int len = plan.length(w, d);
            RenderedExample ex = examples.get(item);
            if (ex.length() != plan.items().get(item).length()) {
                throw new IllegalArgumentException("example " + item + " has " + ex.length()
                        + " tokens but its PackItem says " + plan.items().get(item).length()
                        + "; pass the same examples, in the same order, that the items were made from");
            }
            documentStart[d] = at;
            exampleIndex[d] = item;
            System.arraycopy(ex.tokens(), from, tokens, at, len);
            System.arraycopy(ex.loss(), from, loss, at, len);
            System.arraycopy(ex.modality(), from, modality, at, len);
            for (int i = 0; i < len; i++) {
                documents[at + i] = d;
                positions[at + i] = i;
            }
            at += len;
        }
        documentStart[pieces] = at;
        documentCount = pieces;
        length = at;
        Arrays.fill(tokens, at, capacity, padToken);
        Arrays.fill(documents, at, capacity, PAD_DOCUMENT);
        Arrays.fill(positions, at, capacity, 0);
        Arrays.fill(loss, at, capacity, false);
        Arrays.fill(modality, at, capacity, Modality.SPECIAL.code());
    }

    /** Tokens per row (T). */
    public int capacity() {
        return capacity;
    }

    /** Real tokens in the row; the rest is padding. */
    public int length() {
        return length;
    }

    /** Documents in the row. */
    public int documents() {
        return documentCount;
    }

    /** First column of document {@code d}; {@code documentStart(documents())} is {@link #length()}. */
    public int documentStart(int d) {
        return documentStart[d];
    }

    /** Index, in {@link PackPlan#items()}, of the example document {@code d} comes from. */
    public int exampleIndex(int d) {
        return exampleIndex[d];
    }

    /** Token ids, T long; overwritten by the next {@link #load}. */
    public int[] tokens() {
        return tokens;
    }

    /** Document id per column, {@link #PAD_DOCUMENT} on padding; overwritten by the next {@link #load}. */
    public int[] documentIds() {
        return documents;
    }

    /** Position id per column, from 0 in each document; overwritten by the next {@link #load}. */
    public int[] positionIds() {
        return positions;
    }

    /** Loss mask per column as rendered, false on padding; overwritten by the next {@link #load}. */
    public boolean[] lossMask() {
        return loss;
    }

    /** {@link Modality#code()} per column, special on padding; overwritten by the next {@link #load}. */
    public byte[] modality() {
        return modality;
    }

    /** Whether the token at column {@code query} may attend to the token at column {@code key}. */
    public boolean attends(int query, int key) {
        if (key > query) {
            return false;
        }
        int d = documents[query];
        return d == PAD_DOCUMENT ? key == query : documents[key] == d;
    }

    /** The T x T boolean mask, true where {@link #attends}; allocates T squared, so call it only when needed. */
    public boolean[][] attentionMask() {
        boolean[][] m = new boolean[capacity][capacity];
        for (int q = 0; q < capacity; q++) {
            int lo = firstKey(q);
            Arrays.fill(m[q], lo, q + 1, true);
        }
        return m;
    }

    /**
     * Writes the additive mask, row-major T x T, into {@code out}: 0 where {@link #attends}, negative infinity
     * elsewhere. The caller owns and reuses {@code out}.
     */
    public void additiveMask(float[] out) {
        if (out.length < capacity * capacity) {
            throw new IllegalArgumentException("additive mask buffer holds " + out.length + " floats; it needs T*T = "
                    + (long) capacity * capacity);
        }
        Arrays.fill(out, 0, capacity * capacity, Float.NEGATIVE_INFINITY);
        for (int q = 0; q < capacity; q++) {
            Arrays.fill(out, q * capacity + firstKey(q), q * capacity + q + 1, 0f);
        }
    }

    /** First key column that query {@code q} attends to; it attends to every key from there to itself. */
    private int firstKey(int q) {
        int d = documents[q];
        return d == PAD_DOCUMENT ? q : documentStart[d];
    }
}
