package dev.chameleon.workbench.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** SwiGLU feed-forward: w2(silu(w1 x) * w3 x), no biases; SiLU written as x * sigmoid(x). */
final class SwiGlu extends AbstractBlock {

    private final int hidden;
    private final int ffn;
    private final Linear w1;
    private final Linear w2;
    private final Linear w3;

    SwiGlu(int hidden, int ffn) {
        this.hidden = hidden;
        this.ffn = ffn;
        w1 = addChildBlock("w1", Linear.builder().setUnits(ffn).optBias(false).build());
        w2 = addChildBlock("w2", Linear.builder().setUnits(hidden).optBias(false).build());
        w3 = addChildBlock("w3", Linear.builder().setUnits(ffn).optBias(false).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = in.singletonOrThrow();                                       // (B, T, d)
        NDArray gate = w1.forward(ps, new NDList(x), training).head();           // (B, T, F)
        NDArray up = w3.forward(ps, new NDList(x), training).head();             // (B, T, F)
        NDArray h = gate.mul(Activation.sigmoid(gate)).mul(up); // (B, T, F)
        return w2.forward(ps, new NDList(h), training);                          // (B, T, d)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];                                                // (B, T, d)
        w1.initialize(manager, dataType, x);
        w3.initialize(manager, dataType, x);
        w2.initialize(manager, dataType, new Shape(x.get(0), x.get(1), ffn));
    }
}
