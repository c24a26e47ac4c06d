package dev.chameleon.workbench.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Rotary position embedding, "rotate half" layout (LLaMA / Hugging Face Chameleon): the first and second
 * halves of head_dim form the rotated pairs. Stateless: angles are built from the positions each call, so
 * packed rows can restart positions at each document. No parameters.
 */
final class RotaryEmbedding {

    private final int headDim;
    private final double theta;

    RotaryEmbedding(int headDim, double theta) {
        this.headDim = headDim;
        this.theta = theta;
    }

    /** cos and sin tables for {@code positions} (B, T) as a pair of (B, 1, T, hd) arrays. */
    NDList tables(NDArray positions) {
        NDManager m = positions.getManager();
        int half = headDim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            inv[i] = (float) (1.0 / Math.pow(theta, 2.0 * i / headDim));
        }
        NDArray freqs = m.create(inv);                                           // (hd/2)
        NDArray angles = positions.toType(DataType.FLOAT32, false).expandDims(-1).mul(freqs); // (B, T, hd/2)
        NDArray full = angles.concat(angles, -1).expandDims(1);                  // (B, 1, T, hd)
        return new NDList(full.cos(), full.sin());
    }

    /** Rotates {@code x} (B, H, T, hd) by the tables from {@link #tables}. */
    static NDArray apply(NDArray x, NDList cosSin) {
        long hd = x.getShape().get(3);
        NDArray first = x.get(":, :, :, :{}", hd / 2);                           // (B, H, T, hd/2)
        NDArray second = x.get(":, :, :, {}:", hd / 2);                          // (B, H, T, hd/2)
        NDArray rotated = second.neg().concat(first, -1);                        // (B, H, T, hd)
        return x.mul(cosSin.get(0)).add(rotated.mul(cosSin.get(1)));             // (B, H, T, hd)
    }

    /** Positions 0..T-1 for every row: (B, T). */
    static NDArray defaultPositions(NDManager m, long batch, long time) {
        return m.arange(0, (int) time, 1, DataType.INT64).expandDims(0).repeat(0, batch); // (B, T)
    }
}
