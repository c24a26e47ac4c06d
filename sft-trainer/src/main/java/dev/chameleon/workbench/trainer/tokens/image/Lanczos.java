package dev.chameleon.workbench.trainer.tokens.image;

/**
 * Separable Lanczos-3 resampling of planar float images, the filter the paper's pre-processing names.
 * When shrinking, the kernel is stretched by the scale factor so every source pixel contributes (PIL's rule).
 */
final class Lanczos {

    private static final int LOBES = 3;

    private Lanczos() {
    }

    /** Resizes {@code channels} planes of {@code w x h} (row-major, plane after plane) to {@code nw x nh}. */
    static float[] resize(float[] src, int channels, int w, int h, int nw, int nh) {
        Taps horizontal = taps(w, nw);
        Taps vertical = taps(h, nh);
        float[] mid = new float[channels * h * nw];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                int row = (c * h + y) * w;
                int outRow = (c * h + y) * nw;
                for (int x = 0; x < nw; x++) {
                    float acc = 0;
                    int start = horizontal.start[x];
                    float[] wt = horizontal.weights[x];
                    for (int k = 0; k < wt.length; k++) {
                        acc += wt[k] * src[row + start + k];
                    }
                    mid[outRow + x] = acc;
                }
            }
        }
        float[] out = new float[channels * nh * nw];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < nh; y++) {
                int start = vertical.start[y];
                float[] wt = vertical.weights[y];
                int outRow = (c * nh + y) * nw;
                for (int k = 0; k < wt.length; k++) {
                    int inRow = (c * h + start + k) * nw;
                    float f = wt[k];
                    for (int x = 0; x < nw; x++) {
                        out[outRow + x] += f * mid[inRow + x];
                    }
                }
            }
        }
        return out;
    }

    private record Taps(int[] start, float[][] weights) {
    }

    private static Taps taps(int in, int out) {
        double scale = (double) out / in;
        double stretch = Math.max(1.0, 1.0 / scale);
        double support = LOBES * stretch;
        int[] start = new int[out];
        float[][] weights = new float[out][];
        for (int o = 0; o < out; o++) {
            double centre = (o + 0.5) / scale;
            int lo = Math.max(0, (int) Math.floor(centre - support));
            int hi = Math.min(in, (int) Math.ceil(centre + support));
            double[] w = new double[hi - lo];
            double sum = 0;
            for (int i = lo; i < hi; i++) {
                w[i - lo] = kernel((i + 0.5 - centre) / stretch);
                sum += w[i - lo];
            }
            float[] f = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                f[i] = (float) (sum == 0 ? 1.0 / w.length : w[i] / sum);
            }
            start[o] = lo;
            weights[o] = f;
        }
        return new Taps(start, weights);
    }

    private static double kernel(double x) {
        if (x == 0) {
            return 1;
        }
        if (x <= -LOBES || x >= LOBES) {
            return 0;
        }
        double px = Math.PI * x;
        return LOBES * Math.sin(px) * Math.sin(px / LOBES) / (px * px);
    }
}
