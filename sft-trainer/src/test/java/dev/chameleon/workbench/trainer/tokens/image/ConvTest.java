package dev.chameleon.workbench.trainer.tokens.image;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The VQ convolution against a direct sum, with freed native memory full of NaN before forward and backward:
 * libtorch's oneDNN convolution reads the padding of partly filled channel blocks without writing it, which gave
 * a different input gradient on every run and NaN often enough to end training (see {@link Conv}).
 */
@Tag("engine")
class ConvTest {

    private static final int BATCH = 2;
    private static final int SIDE = 9;

    @ParameterizedTest(name = "{0} -> {1} channels, kernel {2}, stride {3}, padding {4}")
    @CsvSource({
        "8, 3, 3, 1, 1",      // a decoder's conv_out: 3 output channels
        "3, 8, 3, 1, 1",      // an encoder's conv_in
        "24, 16, 3, 1, 1",    // input channels that do not fill whole blocks
        "8, 8, 3, 2, 0",      // downsampling
        "8, 8, 1, 1, 0",      // pointwise
        "16, 16, 3, 1, 1",    // whole blocks: libtorch's own convolution
        "16, 32, 1, 1, 0"})
    void outputAndInputGradientEqualADirectSumEvenWhenFreedMemoryHoldsNaN(int in, int out, int kernel, int stride,
                                                                         int padding) {
        Random rnd = new Random(31L * in + out);
        float[] xs = uniform(rnd, BATCH * in * SIDE * SIDE);
        int outSide = (SIDE + 2 * padding - kernel) / stride + 1;
        float[] g = uniform(rnd, BATCH * out * outSide * outSide);
        try (NDManager m = NDManager.newBaseManager()) {
            Conv conv = new Conv(in, out, kernel, stride, padding);
            conv.initialize(m, DataType.FLOAT32, new Shape(BATCH, in, SIDE, SIDE));
            ParameterStore ps = new ParameterStore(m, false);
            float[] w = conv.getParameters().get("weight").getArray().toFloatArray();
            float[] b = conv.getParameters().get("bias").getArray().toFloatArray();
            Direct direct = new Direct(in, out, kernel, stride, padding, outSide);
            float[] expectedY = direct.forward(xs, w, b);
            float[] expectedDx = direct.inputGradient(g, w);

            NDArray x = m.create(xs, new Shape(BATCH, in, SIDE, SIDE));
            x.setRequiresGradient(true);
            float[] y;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                FreedMemory.poison(m);
                NDArray yArray = conv.forward(ps, new NDList(x), true).head();
                // loss = sum(y * g), so the gradient reaching y is g
                NDArray loss = yArray.mul(m.create(g, yArray.getShape())).sum();
                FreedMemory.poison(m);
                collector.backward(loss);
                y = yArray.toFloatArray();
            }
            assertThat(y).containsExactly(expectedY, Offset.offset(1e-4f));
            assertThat(x.getGradient().toFloatArray()).containsExactly(expectedDx, Offset.offset(1e-4f));
            FreedMemory.poison(m);
            assertThat(conv.forward(ps, new NDList(x.stopGradient()), false).head().toFloatArray())
                    .containsExactly(expectedY, Offset.offset(1e-4f));
        }
    }

    private static float[] uniform(Random rnd, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = rnd.nextFloat() * 2 - 1;
        }
        return out;
    }

    /** Convolution and its input gradient as plain loops over NCHW arrays, zero outside the image. */
    private record Direct(int in, int out, int kernel, int stride, int padding, int outSide) {

        /** Receives the flat indices of an input pixel, a weight and the output it contributes to. */
        private interface Tap {
            void accept(int x, int w, int y);
        }

        float[] forward(float[] x, float[] w, float[] bias) {
            double[] y = new double[BATCH * out * outSide * outSide];
            int plane = outSide * outSide;
            for (int k = 0; k < y.length; k++) {
                y[k] = bias[k / plane % out];
            }
            taps((xi, wi, yi) -> y[yi] += (double) x[xi] * w[wi]);
            return narrow(y);
        }

        float[] inputGradient(float[] g, float[] w) {
            double[] dx = new double[BATCH * in * SIDE * SIDE];
            taps((xi, wi, yi) -> dx[xi] += (double) g[yi] * w[wi]);
            return narrow(dx);
        }

        private void taps(Tap tap) {
            for (int n = 0; n < BATCH; n++) {
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < outSide; i++) {
                        for (int j = 0; j < outSide; j++) {
                            int yi = ((n * out + o) * outSide + i) * outSide + j;
                            for (int c = 0; c < in; c++) {
                                for (int u = 0; u < kernel; u++) {
                                    for (int v = 0; v < kernel; v++) {
                                        int r = i * stride + u - padding;
                                        int col = j * stride + v - padding;
                                        if (r >= 0 && r < SIDE && col >= 0 && col < SIDE) {
                                            tap.accept(((n * in + c) * SIDE + r) * SIDE + col,
                                                    ((o * in + c) * kernel + u) * kernel + v, yi);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        private static float[] narrow(double[] values) {
            float[] out = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = (float) values[i];
            }
            return out;
        }
    }
}
