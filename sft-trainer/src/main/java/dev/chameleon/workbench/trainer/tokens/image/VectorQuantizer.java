package dev.chameleon.workbench.trainer.tokens.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The codebook: each latent vector is replaced by its nearest code (plain Euclidean argmin, no
 * normalisation, as Chameleon). Codes start uniform in +-1/K as in taming.
 */
final class VectorQuantizer extends Composite {

    private final int codebookSize;
    private final int embedDim;
    private final Parameter codebook;

    VectorQuantizer(int codebookSize, int embedDim) {
        this.codebookSize = codebookSize;
        this.embedDim = embedDim;
        float bound = 1f / codebookSize;
        codebook = addParameter(Parameter.builder().setName("codebook").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(codebookSize, embedDim))
                .optInitializer((m, s, t) -> m.randomUniform(-bound, bound, s, t)).build());
    }

    Parameter codebook() {
        return codebook;
    }

    /** Index of the nearest code for each row; no gradient flows through it. */
    NDArray nearest(ParameterStore ps, NDArray zFlat) {
        NDArray z = zFlat.stopGradient();                                              // (N, D)
        NDArray e = ps.getValue(codebook, z.getDevice(), false).stopGradient();        // (K, D)
        NDArray two = z.getManager().full(new Shape(1), 2f);
        // |z - e|^2 = |z|^2 - 2 z.e + |e|^2; |z|^2 is the same for every code, so it is left out.
        NDArray dist = e.square().sum(new int[] {1}).reshape(1, codebookSize)
                .sub(z.matMul(e.transpose()).mul(two));                                // (N, K)
        return dist.argMin(1);                                                         // (N) int64
    }

    /** The code vectors of the indices; the gradient reaches the codebook. */
    NDArray lookup(ParameterStore ps, NDArray indices, boolean training) {
        NDArray e = ps.getValue(codebook, indices.getDevice(), training);              // (K, D)
        return indices.getNDArrayInternal().embedding(indices, e, SparseFormat.DENSE).head(); // (N, D)
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(lookup(ps, nearest(ps, inputs.singletonOrThrow()), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {new Shape(inputs[0].get(0), embedDim)};
    }
}
