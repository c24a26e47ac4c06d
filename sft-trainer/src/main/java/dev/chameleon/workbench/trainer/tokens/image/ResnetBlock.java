package dev.chameleon.workbench.trainer.tokens.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** x + conv(swish(norm(conv(swish(norm(x)))))), with a 1x1 shortcut when the channels change (taming). */
final class ResnetBlock extends Composite {

    private final int out;
    private final GroupNorm norm1;
    private final Conv conv1;
    private final GroupNorm norm2;
    private final Conv conv2;
    private final Conv shortcut;

    ResnetBlock(int in, int out, int groups) {
        this.out = out;
        norm1 = addChildBlock("norm1", new GroupNorm(in, groups));
        conv1 = addChildBlock("conv1", Conv.same3x3(in, out));
        norm2 = addChildBlock("norm2", new GroupNorm(out, groups));
        conv2 = addChildBlock("conv2", Conv.same3x3(out, out));
        shortcut = in == out ? null : addChildBlock("nin_shortcut", Conv.pointwise(in, out));
    }

    /** SiLU written as x * sigmoid(x): DJL's swish takes a scalar beta, which is unsafe on the gradient path. */
    static NDArray swish(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                                                  // (B, Cin, H, W)
        NDArray h = swish(norm1.forward(ps, inputs, training).head());
        h = conv1.forward(ps, new NDList(h), training).head();                                  // (B, Cout, H, W)
        h = swish(norm2.forward(ps, new NDList(h), training).head());
        h = conv2.forward(ps, new NDList(h), training).head();                                  // (B, Cout, H, W)
        NDArray skip = shortcut == null ? x : shortcut.forward(ps, inputs, training).head();    // (B, Cout, H, W)
        return new NDList(skip.add(h));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {new Shape(s.get(0), out, s.get(2), s.get(3))};
    }
}
