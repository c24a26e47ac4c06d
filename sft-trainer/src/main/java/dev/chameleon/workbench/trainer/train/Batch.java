package dev.chameleon.workbench.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.pack.PackedWindow;

/**
 * One micro-batch on the host: B packed windows as model inputs and next-token targets, reused step after step.
 *
 * <p>Position t predicts token t+1; it counts in the loss only when token t+1 is an answer token (loss mask) of
 * the same document, so prompts, padding and document boundaries carry no loss. Each counted target also keeps
 * its category and modality for the per-category loss breakdown.
 */
final class Batch {

    final int b;
    final int t;
    final long[] ids;
    final long[] positions;
    final long[] targets;
    final float[] weights;
    final float[] mask;
    final byte[] category;
    final byte[] modality;
    private final float[] row;
    int realTokens;
    int lossTokens;

    Batch(int b, int t) {
        this.b = b;
        this.t = t;
        ids = new long[b * t];
        positions = new long[b * t];
        targets = new long[b * t];
        weights = new float[b * t];
        mask = new float[b * t * t];
        category = new byte[b * t];
        modality = new byte[b * t];
        row = new float[t * t];
    }

    /** Fills the rows from windows {@code first .. first + b - 1} of {@code stream}. */
    void fill(WindowStream stream, long first) {
        realTokens = 0;
        lossTokens = 0;
        for (int r = 0; r < b; r++) {
            PackedWindow w = stream.window(first + r);
            int o = r * t;
            int[] tok = w.tokens();
            int[] doc = w.documentIds();
            int[] pos = w.positionIds();
            boolean[] loss = w.lossMask();
            byte[] mod = w.modality();
            realTokens += w.length();
            for (int i = 0; i < t; i++) {
                ids[o + i] = tok[i];
                positions[o + i] = pos[i];
                boolean counts = i + 1 < t && loss[i + 1] && doc[i + 1] == doc[i] && doc[i] != PackedWindow.PAD_DOCUMENT;
                targets[o + i] = i + 1 < t ? tok[i + 1] : 0;
                weights[o + i] = counts ? 1f : 0f;
                category[o + i] = counts ? (byte) stream.example(doc[i]).category().ordinal() : -1;
                modality[o + i] = counts ? mod[i + 1] : -1;
                lossTokens += counts ? 1 : 0;
            }
            w.additiveMask(row);
            for (int i = 0; i < row.length; i++) {
                // A finite block value, as the model's causal mask uses, keeps softmax rows free of NaN.
                mask[r * t * t + i] = row[i] == 0f ? 0f : ChameleonModel.BLOCKED;
            }
        }
    }

    /** Model inputs on {@code m}: ids (B, T), additive mask (B, 1, T, T), positions (B, T). */
    NDList inputs(NDManager m) {
        return new NDList(m.create(ids, new Shape(b, t)), m.create(mask, new Shape(b, 1, t, t)),
                m.create(positions, new Shape(b, t)));
    }

    NDArray targets(NDManager m) {
        return m.create(targets, new Shape(b, t));
    }

    NDArray weights(NDManager m) {
        return m.create(weights, new Shape(b, t));
    }
}
