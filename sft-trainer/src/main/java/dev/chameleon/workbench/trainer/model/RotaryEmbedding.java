package dev.chameleon.workbench.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

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

    /**
     * For one new position per row: the rotation as a matrix M (B, 1, hd, hd) with x M = x cos + rotate_half(x) sin,
     * so rotating q or k costs one matMul instead of seven element-wise calls; built on the host (B * hd^2 floats)
     * in one native call. M = I cos + R sin with the column's angle, where R is the rotate-half map: the first half
     * of the result takes minus the second half of x, the second half the first. The result is scaled by
     * {@code scale} (1 for keys, 1 / sqrt(hd) for queries, folding the attention scale in).
     */
    NDArray stepMatrix(NDManager m, long[] positions, double scale) {
        int half = headDim / 2;
        int hd2 = headDim * headDim;
        float[] out = new float[positions.length * hd2];
        for (int b = 0; b < positions.length; b++) {
            int base = b * hd2;
            for (int j = 0; j < headDim; j++) {
                double angle = positions[b] * (1.0 / Math.pow(theta, 2.0 * (j % half) / headDim));
                float cos = (float) (Math.cos(angle) * scale);
                float sin = (float) (Math.sin(angle) * scale);
                out[base + j * headDim + j] = cos;                               // I cos
                if (j < half) {
                    out[base + (j + half) * headDim + j] = -sin;                 // column j: -x[j + half] sin
                } else {
                    out[base + (j - half) * headDim + j] = sin;                  // column j: x[j - half] sin
                }
            }
        }
        return m.create(out, new Shape(positions.length, 1, headDim, headDim)); // (B, 1, hd, hd)
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
