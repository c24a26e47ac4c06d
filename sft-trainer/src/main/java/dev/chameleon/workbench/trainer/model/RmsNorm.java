package dev.chameleon.workbench.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** RMSNorm over the last axis: x / sqrt(mean(x^2) + eps) * gain, no bias (LLaMA, Chameleon). */
final class RmsNorm extends AbstractBlock {

    private final float eps;
    private final Parameter gain;

    RmsNorm(int dim, double eps) {
        this.eps = (float) eps;
        this.gain = addParameter(Parameter.builder().setName("gain").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(dim)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();                                  // (..., d)
        NDArray g = ps.getValue(gain, x.getDevice(), training);                 // (d)
        // A native scalar, not add(Number): see docs/platform.md#scalars-on-the-gradient-path.
        NDArray epsArray = x.getManager().full(new Shape(1), eps, x.getDataType());
        NDArray rms = x.square().mean(new int[] {x.getShape().dimension() - 1}, true).add(epsArray).sqrt(); // (..., 1)
        return new NDList(x.div(rms).mul(g));                                   // (..., d)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager m, DataType t, Shape... s) {
    }
}
