package dev.chameleon.workbench.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One decoder layer. Pre-norm (LLaMA, Chameleon-7B): h = x + attn(norm(x)); out = h + ffn(norm(h)).
 * Norm reordering (Chameleon-34B, Swin-style): h = x + norm(attn(x)); out = h + norm(ffn(h)).
 * Inputs as {@link Attention}: x, cos, sin, mask; output x (B, T, d).
 */
final class DecoderLayer extends AbstractBlock {

    private final ModelConfig c;
    private final RmsNorm attentionNorm;
    private final Attention attention;
    private final RmsNorm ffnNorm;
    private final SwiGlu ffn;

    DecoderLayer(ModelConfig c, LoraConfig lora) {
        this.c = c;
        attentionNorm = addChildBlock("attention_norm", new RmsNorm(c.hidden(), c.rmsEps()));
        attention = addChildBlock("attention", new Attention(c, lora));
        ffnNorm = addChildBlock("ffn_norm", new RmsNorm(c.hidden(), c.rmsEps()));
        ffn = addChildBlock("ffn", new SwiGlu(c, lora));
    }

    /** The LoRA adapters of this layer, attention's first (empty without LoRA). */
    java.util.List<LoraAdapter> adapters() {
        java.util.List<LoraAdapter> out = new java.util.ArrayList<>(attention.adapters());
        out.addAll(ffn.adapters());
        return out;
    }

    /** Folds every adapter of this layer into its projection. */
    void mergeLora() {
        attention.mergeLora();
        ffn.mergeLora();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = in.get(0);                                                   // (B, T, d)
        NDArray h;
        NDArray out;
        if (c.normReordering()) {
            NDArray a = attention.forward(ps, new NDList(x, in.get(1), in.get(2), in.get(3)), training).head();
            h = x.add(drop(attentionNorm.forward(ps, new NDList(a), training).head(), training));   // (B, T, d)
            NDArray f = ffn.forward(ps, new NDList(h), training).head();                           // (B, T, d)
            out = h.add(drop(ffnNorm.forward(ps, new NDList(f), training).head(), training));      // (B, T, d)
        } else {
            NDArray n = attentionNorm.forward(ps, new NDList(x), training).head();                 // (B, T, d)
            h = x.add(drop(attention.forward(ps, new NDList(n, in.get(1), in.get(2), in.get(3)), training)
                    .head(), training));                                                           // (B, T, d)
            NDArray n2 = ffnNorm.forward(ps, new NDList(h), training).head();                      // (B, T, d)
            out = h.add(drop(ffn.forward(ps, new NDList(n2), training).head(), training));         // (B, T, d)
        }
        return new NDList(out);
    }

    /** The layer on new positions against {@code cache} (no dropout): x (B, T, d) to (B, T, d). */
    NDArray forwardCached(ParameterStore ps, NDArray x, NDList cosSin, NDArray[] step, NDArray mask, KvCache cache,
            int index) {
        if (c.normReordering()) {
            NDArray a = attention.forwardCached(ps, x, cosSin, step, mask, cache, index);          // (B, T, d)
            NDArray h = x.add(attentionNorm.forward(ps, new NDList(a), false).head());             // (B, T, d)
            NDArray f = ffn.forward(ps, new NDList(h), false).head();                              // (B, T, d)
            return h.add(ffnNorm.forward(ps, new NDList(f), false).head());                        // (B, T, d)
        }
        NDArray n = attentionNorm.forward(ps, new NDList(x), false).head();                        // (B, T, d)
        NDArray h = x.add(attention.forwardCached(ps, n, cosSin, step, mask, cache, index));       // (B, T, d)
        NDArray n2 = ffnNorm.forward(ps, new NDList(h), false).head();                             // (B, T, d)
        return h.add(ffn.forward(ps, new NDList(n2), false).head());                               // (B, T, d)
    }

    private NDArray drop(NDArray x, boolean training) {
        return training && c.dropout() > 0 ? Dropout.dropout(x, (float) c.dropout(), true).head() : x;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        attentionNorm.initialize(manager, dataType, x);
        attention.initialize(manager, dataType, inputShapes);
        ffnNorm.initialize(manager, dataType, x);
        ffn.initialize(manager, dataType, x);
    }
}
