package dev.chameleon.workbench.trainer.tokens.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/** A square 2-D convolution with bias; weights start as PyTorch's default (uniform +-1/sqrt(fan_in)). */
final class Conv extends Composite {

    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final Parameter weight;
    private final Parameter bias;

    Conv(int in, int out, int kernel, int stride, int padding) {
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
        return x.getNDArrayInternal().convolution(x, w, b, new Shape(stride, stride),
                new Shape(padding, padding), new Shape(1, 1), 1);                  // (B, Cout, H', W')
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        long h = (s.get(2) + 2L * padding - kernel) / stride + 1;
        long w = (s.get(3) + 2L * padding - kernel) / stride + 1;
        return new Shape[] {new Shape(s.get(0), out, h, w)};
    }
}
