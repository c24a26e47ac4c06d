package dev.chameleon.workbench.trainer.tokens.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * GroupNorm (eps 1e-6, as taming): statistics over each group of channels and all positions, then a
 * per-channel gain and bias. DJL has no GroupNorm block, so it is written out; the epsilon is a
 * libtorch-allocated scalar, safe on the gradient path after a GC (docs/platform.md#scalars-on-the-gradient-path).
 */
final class GroupNorm extends Composite {

    private static final float EPS = 1e-6f;
    private final int channels;
    private final int groups;
    private final Parameter gamma;
    private final Parameter beta;

    GroupNorm(int channels, int groups) {
        this.channels = channels;
        this.groups = groups;
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels)).optInitializer(Initializer.ONES).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
                .optShape(new Shape(channels)).optInitializer(Initializer.ZEROS).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                                   // (B, C, H, W)
        Shape s = x.getShape();
        NDArray g = x.reshape(s.get(0), groups, -1);                             // (B, G, C/G*H*W)
        NDArray mean = g.mean(new int[] {2}, true);                              // (B, G, 1)
        NDArray centred = g.sub(mean);                                           // (B, G, C/G*H*W)
        NDArray var = centred.square().mean(new int[] {2}, true);                // (B, G, 1)
        NDArray eps = x.getManager().full(new Shape(1), EPS);
        NDArray normed = centred.div(var.add(eps).sqrt()).reshape(s);            // (B, C, H, W)
        NDArray gm = ps.getValue(gamma, x.getDevice(), training).reshape(1, channels, 1, 1);
        NDArray bt = ps.getValue(beta, x.getDevice(), training).reshape(1, channels, 1, 1);
        return new NDList(normed.mul(gm).add(bt));                               // (B, C, H, W)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {inputs[0]};
    }
}
