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

/**
 * SwiGLU feed-forward: w2(silu(w1 x) * w3 x), no biases; SiLU written as x * sigmoid(x). With LoRA, each adapted
 * projection adds its low-rank update ({@link LoraAdapter}).
 */
final class SwiGlu extends AbstractBlock {

    private final int hidden;
    private final int ffn;
    private final Linear w1;
    private final Linear w2;
    private final Linear w3;
    private final LoraAdapter loraGate;
    private final LoraAdapter loraUp;
    private final LoraAdapter loraDown;

    /** The feed-forward of shape {@code c}, with LoRA adapters where {@code lora} names them (null: none). */
    SwiGlu(ModelConfig c, LoraConfig lora) {
        this.hidden = c.hidden();
        this.ffn = c.ffnHidden();
        w1 = addChildBlock("w1", Linear.builder().setUnits(ffn).optBias(false).build());
        w2 = addChildBlock("w2", Linear.builder().setUnits(hidden).optBias(false).build());
        w3 = addChildBlock("w3", Linear.builder().setUnits(ffn).optBias(false).build());
        // Added after the projections, so the projections keep their child numbers (and saved names).
        loraGate = adapter(c, lora, "gate_proj");
        loraUp = adapter(c, lora, "up_proj");
        loraDown = adapter(c, lora, "down_proj");
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
        NDArray x = in.singletonOrThrow();                                       // (B, T, d)
        NDArray gate = LoraAdapter.project(ps, w1, loraGate, x, training);       // (B, T, F)
        NDArray up = LoraAdapter.project(ps, w3, loraUp, x, training);           // (B, T, F)
        NDArray h = gate.mul(Activation.sigmoid(gate)).mul(up);                  // (B, T, F)
        return new NDList(LoraAdapter.project(ps, w2, loraDown, h, training));   // (B, T, d)
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
        Shape inner = new Shape(x.get(0), x.get(1), ffn);                       // (B, T, F)
        w2.initialize(manager, dataType, inner);
        for (LoraAdapter a : adapters()) {
            a.initialize(manager, dataType, a == loraDown ? inner : x);
        }
    }

    /** The LoRA adapters of this block's projections (empty without LoRA). */
    java.util.List<LoraAdapter> adapters() {
        return LoraAdapter.present(loraGate, loraUp, loraDown);
    }

    /** Folds each adapter into its projection's weight (W += (alpha / r) B A). */
    void mergeLora() {
        LoraAdapter.merge(loraGate, w1);
        LoraAdapter.merge(loraUp, w3);
        LoraAdapter.merge(loraDown, w2);
    }
}
