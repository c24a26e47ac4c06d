package dev.chameleon.workbench.trainer.tokens.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * A square 2-D convolution with bias; weights start as PyTorch's default (uniform +-1/sqrt(fan_in)).
 *
 * <p>Not always libtorch's convolution: on x86 CPUs libtorch 2.7.1 runs it through oneDNN, which stores channels in
 * blocks of 16 (AVX-512) or 8 (AVX2) and pads a partly filled block, then sums over that padding without ever writing
 * it. The sum runs over the input channels in the forward pass and over the output channels in the input gradient, so
 * a layer whose channel counts are not multiples of 16 (every decoder's 3-channel {@code conv_out}, the 8-channel
 * layers of the tiny preset) got whatever the allocator last left there: a different gradient on each run, and NaN
 * often enough to stop training, more often the busier the machine ({@code ConvTest} fills freed memory with NaN to
 * show it every time). Such layers compute the convolution as weights times patches, a matMul whose forward and
 * backward read only what they wrote; layers of whole blocks keep libtorch's, which is faster.
 */
final class Conv extends Composite {

    /** oneDNN's widest channel block for float32: channel counts that are multiples of it are never padded. */
    private static final int WHOLE_BLOCK = 16;

    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final Parameter weight;
    private final Parameter bias;

    Conv(int in, int out, int kernel, int stride, int padding) {
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        float bound = (float) (1.0 / Math.sqrt((double) in * kernel * kernel));
        Initializer uniform = (m, s, t) -> m.randomUniform(-bound, bound, s, t);
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in, kernel, kernel)).optInitializer(uniform).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(out)).optInitializer(uniform).build());
    }

    static Conv same3x3(int in, int out) {
        return new Conv(in, out, 3, 1, 1);
    }

    static Conv pointwise(int in, int out) {
        return new Conv(in, out, 1, 1, 0);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                                     // (B, Cin, H, W)
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        if (in % WHOLE_BLOCK != 0 || out % WHOLE_BLOCK != 0) {
            return new NDList(patchConvolution(x, w, b));
        }
        return x.getNDArrayInternal().convolution(x, w, b, new Shape(stride, stride),
                new Shape(padding, padding), new Shape(1, 1), 1);                  // (B, Cout, H', W')
    }

    /** The convolution as (Cout, Cin*k*k) weights times (B, Cin*k*k, H'*W') patches of the padded input. */
    NDArray patchConvolution(NDArray x, NDArray w, NDArray b) {
        Shape s = x.getShape();
        long batch = s.get(0);
        long h = (s.get(2) + 2L * padding - kernel) / stride + 1;
        long wd = (s.get(3) + 2L * padding - kernel) / stride + 1;
        NDArray padded = padding == 0 ? x : x.pad(new Shape(padding, padding, padding, padding), 0);
        NDArray patches;                                                           // (B, Cin*k*k, H'*W')
        if (kernel == 1 && stride == 1 && padding == 0) {
            patches = padded.reshape(batch, in, h * wd);
        } else {
            NDList taps = new NDList(kernel * kernel);
            for (int dy = 0; dy < kernel; dy++) {
                for (int dx = 0; dx < kernel; dx++) {
                    taps.add(padded.get(new NDIndex(":, :, {}:{}:{}, {}:{}:{}", dy, dy + stride * (h - 1) + 1,
                            stride, dx, dx + stride * (wd - 1) + 1, stride)));      // (B, Cin, H', W')
                }
            }
            // (B, Cin, k*k, H', W'): channel-major, then kernel row, then column, as the weight's layout.
            patches = NDArrays.stack(taps, 2).reshape(batch, (long) in * kernel * kernel, h * wd);
        }
        NDArray y = w.reshape(out, -1).matMul(patches).add(b.reshape(out, 1));    // (B, Cout, H'*W')
        return y.reshape(batch, out, h, wd);                                       // (B, Cout, H', W')
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        long h = (s.get(2) + 2L * padding - kernel) / stride + 1;
        long w = (s.get(3) + 2L * padding - kernel) / stride + 1;
        return new Shape[] {new Shape(s.get(0), out, h, w)};
    }
}
