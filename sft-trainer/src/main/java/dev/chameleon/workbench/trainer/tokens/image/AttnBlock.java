package dev.chameleon.workbench.trainer.tokens.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Single-head self-attention over all positions of a feature map, with a residual (taming's AttnBlock). */
final class AttnBlock extends Composite {

    private final int channels;
    private final GroupNorm norm;
    private final Conv q;
    private final Conv k;
    private final Conv v;
    private final Conv proj;

    AttnBlock(int channels, int groups) {
        this.channels = channels;
        norm = addChildBlock("norm", new GroupNorm(channels, groups));
        q = addChildBlock("q", Conv.pointwise(channels, channels));
        k = addChildBlock("k", Conv.pointwise(channels, channels));
        v = addChildBlock("v", Conv.pointwise(channels, channels));
        proj = addChildBlock("proj_out", Conv.pointwise(channels, channels));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                                           // (B, C, H, W)
        Shape s = x.getShape();
        long b = s.get(0);
        long n = s.get(2) * s.get(3);
        NDList h = norm.forward(ps, inputs, training);
        NDArray qs = q.forward(ps, h, training).head().reshape(b, channels, n).transpose(0, 2, 1); // (B, N, C)
        NDArray ks = k.forward(ps, h, training).head().reshape(b, channels, n);                    // (B, C, N)
        NDArray vs = v.forward(ps, h, training).head().reshape(b, channels, n);                    // (B, C, N)
        NDArray scale = x.getManager().full(new Shape(1), (float) Math.sqrt(channels));
        NDArray w = qs.matMul(ks).div(scale).softmax(2);                                 // (B, N, N) queries x keys
        NDArray out = vs.matMul(w.transpose(0, 2, 1)).reshape(s);                        // (B, C, H, W)
        return new NDList(x.add(proj.forward(ps, new NDList(out), training).head()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {inputs[0]};
    }
}
