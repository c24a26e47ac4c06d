package dev.chameleon.workbench.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
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
    /** LoRA adapters of wq, wk, wv, wo; null where the projection has none. */
    private final LoraAdapter loraQ;
    private final LoraAdapter loraK;
    private final LoraAdapter loraV;
    private final LoraAdapter loraO;
    /** Ones and zeros (hd) for the fused LayerNorm of the cached path; made on first use. */
    private NDArray[] unit;

    /** Attention of shape {@code c}, with LoRA adapters on the projections {@code lora} names (null: none). */
    Attention(ModelConfig c, LoraConfig lora) {
        this.c = c;
        int hd = c.headDim();
        wq = addChildBlock("wq", Linear.builder().setUnits((long) c.heads() * hd).optBias(false).build());
        wk = addChildBlock("wk", Linear.builder().setUnits((long) c.kvHeads() * hd).optBias(false).build());
        wv = addChildBlock("wv", Linear.builder().setUnits((long) c.kvHeads() * hd).optBias(false).build());
        wo = addChildBlock("wo", Linear.builder().setUnits(c.hidden()).optBias(false).build());
        // Added after the projections, so the projections keep their child numbers (and saved names).
        loraQ = adapter(c, lora, "q_proj");
        loraK = adapter(c, lora, "k_proj");
        loraV = adapter(c, lora, "v_proj");
        loraO = adapter(c, lora, "o_proj");
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

    /** A LoRA adapter for {@code target}, added as the next child block; null when {@code lora} does not adapt it. */
    private LoraAdapter adapter(ModelConfig c, LoraConfig lora, String target) {
        if (lora == null || !lora.adapts(target)) {
            return null;
        }
        long[] io = LoraConfig.inOut(c, target);                                 // {in, out}
        return addChildBlock("lora_" + target, new LoraAdapter(target, io[0], io[1], lora));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = in.get(0);                                                   // (B, T, d)
        NDList cosSin = new NDList(in.get(1), in.get(2));                        // (B, 1, T, hd) each
        NDArray mask = in.get(3);                                                // (B|1, 1, T, T)
        NDArray[] qkv = project(ps, x, cosSin, training);                        // (B, H|KV, T, hd) x3
        return attend(ps, qkv[0], qkv[1], qkv[2], mask, training);               // (B, T, d)
    }

    /**
     * The same attention over the cached keys and values of earlier positions plus the new ones, which it appends
     * to {@code cache}; {@code mask} (B|1, 1, T, T_past + T) or null when every row may see every key. With one new
     * position per row, {@code step} holds the rotation matrices from {@link RotaryEmbedding#stepMatrix}: {M for
     * keys, M / sqrt(hd) for queries}, each (B, 1, hd, hd); otherwise it is null and cosSin is used.
     */
    NDArray forwardCached(ParameterStore ps, NDArray x, NDList cosSin, NDArray[] step, NDArray mask, KvCache cache,
            int layer) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int hd = c.headDim();
        NDArray q = LoraAdapter.project(ps, wq, loraQ, x, false);              // (B, T, H*hd)
        NDArray k = LoraAdapter.project(ps, wk, loraK, x, false);              // (B, T, KV*hd)
        NDArray v = LoraAdapter.project(ps, wv, loraV, x, false);              // (B, T, KV*hd)
        if (t == 1) {
            q = q.reshape(b, c.heads(), 1, hd);                                  // (B, H, 1, hd)
            k = k.reshape(b, c.kvHeads(), 1, hd);                                // (B, KV, 1, hd)
            v = v.reshape(b, c.kvHeads(), 1, hd);                                // (B, KV, 1, hd)
        } else {
            q = heads(q, b, t, c.heads());                                       // (B, H, T, hd)
            k = heads(k, b, t, c.kvHeads());                                     // (B, KV, T, hd)
            v = heads(v, b, t, c.kvHeads());                                     // (B, KV, T, hd)
        }
        if (c.qkNorm()) {
            // The fused kernel computes the same (x - mean) / sqrt(var + eps) as layerNorm() in fewer native calls.
            NDArray[] unit = unitAffine(hd);                                     // (hd) ones, zeros
            float eps = (float) c.rmsEps();
            q = LayerNorm.layerNorm(q, new Shape(hd), unit[0], unit[1], eps).head()          // (B, H, T, hd)
                    .mul(ps.getValue(qGain, x.getDevice(), false)).add(ps.getValue(qBias, x.getDevice(), false));
            k = LayerNorm.layerNorm(k, new Shape(hd), unit[0], unit[1], eps).head()          // (B, KV, T, hd)
                    .mul(ps.getValue(kGain, x.getDevice(), false)).add(ps.getValue(kBias, x.getDevice(), false));
        }
        if (step == null) {
            q = RotaryEmbedding.apply(q, cosSin);                                // (B, H, T, hd)
            k = RotaryEmbedding.apply(k, cosSin);                                // (B, KV, T, hd)
            NDArray[] kv = cache.append(layer, k, v);                            // (B, KV, S, hd) x2, S = T_past + T
            return attend(ps, q, kv[0], kv[1], mask, false).head();             // (B, T, d)
        }
        q = q.matMul(step[1]);                                                   // (B, H, 1, hd), rotated and scaled
        k = k.matMul(step[0]);                                                   // (B, KV, 1, hd), rotated
        NDArray[] kv = cache.append(layer, k, v);                                // (B, KV, S, hd) x2
        // One new position: fold each group's query heads into rows against its kv head, no repeated copies.
        NDArray qg = q.reshape(b, c.kvHeads(), c.groupSize(), hd);                // (B, KV, g, hd)
        NDArray scores = qg.matMul(kv[0].transpose(0, 1, 3, 2));                 // (B, KV, g, S)
        if (mask != null) {
            scores = scores.add(mask);                                           // (B, KV, g, S)
        }
        NDArray out = scores.softmax(-1).matMul(kv[1])                           // (B, KV, g, hd)
                .reshape(b, 1, (long) c.heads() * hd);                           // (B, 1, H*hd): head h = kv*g + j
        return LoraAdapter.project(ps, wo, loraO, out, false);                  // (B, 1, d)
    }

    /** Ones and zeros of length hd for the unscaled fused LayerNorm, made once and kept with the weights. */
    private NDArray[] unitAffine(int hd) {
        if (unit == null) {
            NDManager keep = wq.getParameters().get(0).getValue().getArray().getManager();
            NDArray ones = keep.ones(new Shape(hd));
            NDArray zeros = keep.zeros(new Shape(hd));
            NDScope.unregister(ones);
            NDScope.unregister(zeros);
            unit = new NDArray[] {ones, zeros};
        }
        return unit;
    }

    /** Queries, keys and values of {@code x} after QK-norm and RoPE: (B, H, T, hd), (B, KV, T, hd) x2. */
    private NDArray[] project(ParameterStore ps, NDArray x, NDList cosSin, boolean training) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray q = heads(LoraAdapter.project(ps, wq, loraQ, x, training), b, t, c.heads());   // (B, H, T, hd)
        NDArray k = heads(LoraAdapter.project(ps, wk, loraK, x, training), b, t, c.kvHeads()); // (B, KV, T, hd)
        NDArray v = heads(LoraAdapter.project(ps, wv, loraV, x, training), b, t, c.kvHeads()); // (B, KV, T, hd)
        if (c.qkNorm()) {
            q = layerNorm(q, ps.getValue(qGain, x.getDevice(), training), ps.getValue(qBias, x.getDevice(), training));
            k = layerNorm(k, ps.getValue(kGain, x.getDevice(), training), ps.getValue(kBias, x.getDevice(), training));
        }
        q = RotaryEmbedding.apply(q, cosSin);                                    // (B, H, T, hd)
        k = RotaryEmbedding.apply(k, cosSin);                                    // (B, KV, T, hd)
        return new NDArray[] {q, k, v};
    }

    /** Softmax attention of q (B, H, T, hd) over k, v (B, KV, S, hd) with an additive mask (or null), then wo. */
    private NDList attend(ParameterStore ps, NDArray q, NDArray k, NDArray v, NDArray mask, boolean training) {
        long b = q.getShape().get(0);
        long t = q.getShape().get(2);
        int hd = c.headDim();
        NDManager m = q.getManager();
        if (c.groupSize() > 1) {
            k = k.repeat(1, c.groupSize());                                      // (B, H, S, hd): head h reads kv h/g
            v = v.repeat(1, c.groupSize());                                      // (B, H, S, hd)
        }
        NDArray scale = m.full(new Shape(1), (float) Math.sqrt(hd), q.getDataType());
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div(scale);          // (B, H, T, S)
        if (mask != null) {
            scores = scores.add(mask);                                           // (B, H, T, S)
        }
        NDArray weights = scores.softmax(-1);                                    // (B, H, T, S)
        if (training && c.dropout() > 0) {
            weights = Dropout.dropout(weights, (float) c.dropout(), true).head();
        }
        NDArray out = weights.matMul(v)                                          // (B, H, T, hd)
                .transpose(0, 2, 1, 3).reshape(b, t, (long) c.heads() * hd);    // (B, T, H*hd)
        return new NDList(LoraAdapter.project(ps, wo, loraO, out, training));    // (B, T, d)
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
        Shape heads = new Shape(x.get(0), x.get(1), (long) c.heads() * c.headDim()); // (B, T, H*hd)
        wo.initialize(manager, dataType, heads);
        for (LoraAdapter a : adapters()) {
            a.initialize(manager, dataType, a == loraO ? heads : x);
        }
    }

    /** The LoRA adapters of this block's projections (empty without LoRA). */
    java.util.List<LoraAdapter> adapters() {
        return LoraAdapter.present(loraQ, loraK, loraV, loraO);
    }

    /** Folds each adapter into its projection's weight (W += (alpha / r) B A). */
    void mergeLora() {
        LoraAdapter.merge(loraQ, wq);
        LoraAdapter.merge(loraK, wk);
        LoraAdapter.merge(loraV, wv);
        LoraAdapter.merge(loraO, wo);
    }
}
