package dev.chameleon.workbench.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
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
        return inputs(m, 0, b);
    }

    /** Model inputs of rows {@code from .. to-1} on {@code m}: ids (R, T), mask (R, 1, T, T), positions (R, T). */
    NDList inputs(NDManager m, int from, int to) {
        int r = to - from;
        return new NDList(m.create(LongBuffer.wrap(ids, from * t, r * t), new Shape(r, t)),
                m.create(FloatBuffer.wrap(mask, from * t * t, r * t * t), new Shape(r, 1, t, t)),
                m.create(LongBuffer.wrap(positions, from * t, r * t), new Shape(r, t)));
    }

    NDArray targets(NDManager m) {
        return targets(m, 0, b);
    }

    /** Next-token targets of rows {@code from .. to-1}: (R, T). */
    NDArray targets(NDManager m, int from, int to) {
        return m.create(LongBuffer.wrap(targets, from * t, (to - from) * t), new Shape(to - from, t));
    }

    NDArray weights(NDManager m) {
        return weights(m, 0, b);
    }

    /** Loss weights of rows {@code from .. to-1}: (R, T). */
    NDArray weights(NDManager m, int from, int to) {
        return m.create(FloatBuffer.wrap(weights, from * t, (to - from) * t), new Shape(to - from, t));
    }
}
