package dev.chameleon.workbench.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Causal self-attention with QK-norm and grouped-query heads, written out (no fused kernel in this engine).
 *
 * <p>Inputs: x (B, T, d), cos/sin tables (B, 1, T, hd) and an additive mask broadcastable to (B, H, T, T)
 * that already holds the causal part (see {@link ChameleonModel#causalMask}); QK-norm is a LayerNorm over
 * head_dim with a gain and bias per head, applied after the projections and before RoPE.
 */
final class Attention extends AbstractBlock {

    private final ModelConfig c;
    private final Linear wq;
    private final Linear wk;
    private final Linear wv;
    private final Linear wo;
    private final Parameter qGain;
    private final Parameter qBias;
    private final Parameter kGain;
    private final Parameter kBias;

    Attention(ModelConfig c) {
        this.c = c;
        int hd = c.headDim();
        wq = addChildBlock("wq", Linear.builder().setUnits((long) c.heads() * hd).optBias(false).build());
        wk = addChildBlock("wk", Linear.builder().setUnits((long) c.kvHeads() * hd).optBias(false).build());
        wv = addChildBlock("wv", Linear.builder().setUnits((long) c.kvHeads() * hd).optBias(false).build());
        wo = addChildBlock("wo", Linear.builder().setUnits(c.hidden()).optBias(false).build());
        if (c.qkNorm()) {
            qGain = addParameter(norm("q_gain", Parameter.Type.GAMMA, c.heads(), hd));
            qBias = addParameter(norm("q_bias", Parameter.Type.BETA, c.heads(), hd));
            kGain = addParameter(norm("k_gain", Parameter.Type.GAMMA, c.kvHeads(), hd));
            kBias = addParameter(norm("k_bias", Parameter.Type.BETA, c.kvHeads(), hd));
        } else {
            qGain = qBias = kGain = kBias = null;
        }
    }

    private static Parameter norm(String name, Parameter.Type type, int heads, int hd) {
        return Parameter.builder().setName(name).setType(type).optShape(new Shape(heads, 1, hd)).build();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = in.get(0);                                                   // (B, T, d)
        NDList cosSin = new NDList(in.get(1), in.get(2));                        // (B, 1, T, hd) each
        NDArray mask = in.get(3);                                                // (B|1, 1, T, T)
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int hd = c.headDim();
        NDManager m = x.getManager();
        NDArray q = heads(wq.forward(ps, new NDList(x), training).head(), b, t, c.heads());   // (B, H, T, hd)
        NDArray k = heads(wk.forward(ps, new NDList(x), training).head(), b, t, c.kvHeads()); // (B, KV, T, hd)
        NDArray v = heads(wv.forward(ps, new NDList(x), training).head(), b, t, c.kvHeads()); // (B, KV, T, hd)
        if (c.qkNorm()) {
            q = layerNorm(q, ps.getValue(qGain, x.getDevice(), training), ps.getValue(qBias, x.getDevice(), training));
            k = layerNorm(k, ps.getValue(kGain, x.getDevice(), training), ps.getValue(kBias, x.getDevice(), training));
        }
        q = RotaryEmbedding.apply(q, cosSin);                                    // (B, H, T, hd)
        k = RotaryEmbedding.apply(k, cosSin);                                    // (B, KV, T, hd)
        if (c.groupSize() > 1) {
            k = k.repeat(1, c.groupSize());                                      // (B, H, T, hd): head h reads kv h/g
            v = v.repeat(1, c.groupSize());                                      // (B, H, T, hd)
        }
        NDArray scale = m.full(new Shape(1), (float) Math.sqrt(hd), x.getDataType());
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div(scale).add(mask); // (B, H, T, T)
        NDArray weights = scores.softmax(-1);                                    // (B, H, T, T)
        if (training && c.dropout() > 0) {
            weights = Dropout.dropout(weights, (float) c.dropout(), true).head();
        }
        NDArray out = weights.matMul(v)                                          // (B, H, T, hd)
                .transpose(0, 2, 1, 3).reshape(b, t, (long) c.heads() * hd);    // (B, T, H*hd)
        return wo.forward(ps, new NDList(out), training);                        // (B, T, d)
    }

    /** (B, T, n*hd) to (B, n, T, hd). */
    private NDArray heads(NDArray x, long b, long t, int n) {
        return x.reshape(b, t, n, c.headDim()).transpose(0, 2, 1, 3);
    }

    /** LayerNorm over head_dim with per-head gain and bias (n, 1, hd); x is (B, n, T, hd). */
    private NDArray layerNorm(NDArray x, NDArray gain, NDArray bias) {
        NDArray eps = x.getManager().full(new Shape(1), (float) c.rmsEps(), x.getDataType());
        NDArray centered = x.sub(x.mean(new int[] {3}, true));                   // (B, n, T, hd)
        NDArray std = centered.square().mean(new int[] {3}, true).add(eps).sqrt(); // (B, n, T, 1)
        return centered.div(std).mul(gain).add(bias);                            // (B, n, T, hd)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];                                                // (B, T, d)
        wq.initialize(manager, dataType, x);
        wk.initialize(manager, dataType, x);
        wv.initialize(manager, dataType, x);
        wo.initialize(manager, dataType, new Shape(x.get(0), x.get(1), (long) c.heads() * c.headDim()));
    }
}
