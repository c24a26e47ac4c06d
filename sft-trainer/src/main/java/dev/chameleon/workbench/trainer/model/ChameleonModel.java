package dev.chameleon.workbench.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The Chameleon decoder: token embedding, layers, final RMSNorm and an untied output head; token ids in,
 * logits out (no tokenization or sampling here).
 *
 * <p>Inputs: ids (B, T) int64; optionally an additive mask broadcastable to (B, 1, T, T) (0 = attend,
 * a large negative number = blocked, e.g. block-diagonal document isolation from the packer), added to the
 * causal mask; optionally, as the third input (pass a zero mask when there are no documents), positions
 * (B, T) restarting at each packed document. Output: logits (B, T, V).
 *
 * <p>With a {@link LoraConfig}, the projections it names carry low-rank adapters ({@code ..._lora_a} (r, in) and
 * {@code ..._lora_b} (out, r) parameters, added after the base weights so those keep their names);
 * {@link #baseParameters()} and {@link #adapterParameters()} split the two, and {@link #mergeLora()} folds the
 * adapters into the base weights.
 *
 * <p>For generation, {@link #forwardCached} runs only the new positions against a {@link KvCache} of the earlier
 * ones and gives the same logits (checked to 1e-4 by KvCacheTest); the training forward above does not use it.
 */
public final class ChameleonModel extends AbstractBlock {

    /** The additive value for a blocked position: large and finite, so a fully masked row never makes NaN. */
    public static final float BLOCKED = -1e9f;

    private final ModelConfig c;
    private final LoraConfig lora;
    private final Parameter embedding;
    private final List<DecoderLayer> layers = new ArrayList<>();
    private final RmsNorm norm;
    private final Linear head;
    private final RotaryEmbedding rope;

    public ChameleonModel(ModelConfig config) {
        this(config, null);
    }

    /** A model of shape {@code config} with LoRA adapters as {@code lora} says (null: none). */
    public ChameleonModel(ModelConfig config, LoraConfig lora) {
        this.c = config;
        this.lora = lora;
        if (c.tiedEmbeddings()) {
            throw new IllegalArgumentException("tied_embeddings: true is not supported by ChameleonModel;"
                    + " Chameleon unties them, set tied_embeddings: false");
        }
        embedding = addParameter(Parameter.builder().setName("embedding").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(c.vocabSize(), c.hidden())).build());
        for (int i = 0; i < c.layers(); i++) {
            layers.add(addChildBlock("layer" + i, new DecoderLayer(c, lora)));
        }
        norm = addChildBlock("norm", new RmsNorm(c.hidden(), c.rmsEps()));
        head = addChildBlock("head", Linear.builder().setUnits(c.vocabSize()).optBias(false).build());
        rope = new RotaryEmbedding(c.headDim(), c.ropeTheta());
        setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
    }

    public ModelConfig config() {
        return c;
    }

    /** The LoRA adapters' settings, or null when the model has none. */
    public LoraConfig lora() {
        return lora;
    }

    /** One LoRA adapter as stored: layer, PEFT target name, A (r, in) and B (out, r). */
    public record Adapter(int layer, String target, Parameter a, Parameter b) {
    }

    /** Every LoRA adapter, layer by layer, attention's before the feed-forward's (empty without LoRA). */
    public List<Adapter> adapters() {
        List<Adapter> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            for (LoraAdapter a : layers.get(i).adapters()) {
                out.add(new Adapter(i, a.target(), a.a(), a.b()));
            }
        }
        return out;
    }

    /** Whether {@code name} (as in {@link #getParameters()}) is a LoRA adapter's matrix. */
    public static boolean isAdapterParameter(String name) {
        return name.endsWith("_" + LoraAdapter.A) || name.endsWith("_" + LoraAdapter.B);
    }

    /** The parameters of the model without its adapters, in model order: what a base checkpoint holds. */
    public PairList<String, Parameter> baseParameters() {
        PairList<String, Parameter> out = new PairList<>();
        for (Pair<String, Parameter> p : getParameters()) {
            if (!isAdapterParameter(p.getKey())) {
                out.add(p);
            }
        }
        return out;
    }

    /** The adapters' A and B matrices, in model order (empty without LoRA). */
    public PairList<String, Parameter> adapterParameters() {
        PairList<String, Parameter> out = new PairList<>();
        for (Pair<String, Parameter> p : getParameters()) {
            if (isAdapterParameter(p.getKey())) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Folds every adapter into its base weight, {@code W' = W + (alpha / r) B A}, after which the adapters add
     * nothing in the forward; the logits stay what the adapted model gave (to float rounding). Nothing to do
     * without LoRA.
     */
    public void mergeLora() {
        for (DecoderLayer layer : layers) {
            layer.mergeLora();
        }
    }

    /** Whether the model has adapters that are not merged yet. */
    public boolean hasUnmergedAdapters() {
        for (DecoderLayer layer : layers) {
            for (LoraAdapter a : layer.adapters()) {
                if (!a.merged()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The causal mask (1, 1, T, T): 0 on and below the diagonal, {@link #BLOCKED} above. */
    public static NDArray causalMask(NDManager m, long t) {
        NDArray rows = m.arange(0, (int) t, 1, DataType.INT64).expandDims(1);   // (T, 1)
        NDArray cols = m.arange(0, (int) t, 1, DataType.INT64).expandDims(0);   // (1, T)
        NDArray blocked = cols.gt(rows).toType(DataType.FLOAT32, false);        // (T, T)
        return blocked.mul(m.full(new Shape(1), BLOCKED)).reshape(1, 1, t, t);  // (1, 1, T, T)
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray ids = in.get(0);                                                 // (B, T)
        NDManager m = ids.getManager();
        long b = ids.getShape().get(0);
        long t = ids.getShape().get(1);
        NDArray mask = causalMask(m, t);                                         // (1, 1, T, T)
        if (in.size() > 1 && in.get(1) != null) {
            mask = mask.add(in.get(1));                                          // (B, 1, T, T)
        }
        NDArray positions = in.size() > 2 ? in.get(2) : RotaryEmbedding.defaultPositions(m, b, t); // (B, T)
        NDList cosSin = rope.tables(positions);                                  // (B, 1, T, hd) x2
        NDArray w = ps.getValue(embedding, ids.getDevice(), training);           // (V, d)
        NDArray x = Embedding.embedding(ids, w, SparseFormat.DENSE).head();      // (B, T, d)
        for (DecoderLayer layer : layers) {
            x = layer.forward(ps, new NDList(x, cosSin.get(0), cosSin.get(1), mask), training).head(); // (B, T, d)
        }
        x = norm.forward(ps, new NDList(x), training).head();                    // (B, T, d)
        return head.forward(ps, new NDList(x), training);                        // (B, T, V)
    }

    /** An empty key/value cache for {@code batch} rows and up to {@code capacity} positions, kept on {@code manager}. */
    public KvCache newCache(NDManager manager, int batch, int capacity) {
        return new KvCache(manager, c.layers(), batch, capacity);
    }

    /** An empty key/value cache for {@code batch} rows, sized for the model's context. */
    public KvCache newCache(NDManager manager, int batch) {
        return newCache(manager, batch, c.maxContext());
    }

    /**
     * Incremental decoding: the logits of new tokens given everything in {@code cache}, whose keys and values
     * for the new tokens are appended. Gives the same logits as {@link #forward} over the whole sequence.
     *
     * @param ids       new tokens (B, T) int64 (a whole prompt, or one token per row)
     * @param positions their rotary positions (B, T) int64 (rows left-padded to a common length start at 0 at
     *                  their first real token)
     * @param keyMask   additive mask (B, 1, 1, T_past + T) over keys, {@link #BLOCKED} at padding; null if none
     * @param lastOnly  return only the last position's logits (B, 1, V), skipping the head on the rest
     * @return logits (B, T, V), or (B, 1, V) with {@code lastOnly}
     */
    public NDArray forwardCached(ParameterStore ps, NDArray ids, NDArray positions, NDArray keyMask, KvCache cache,
            boolean lastOnly) {
        NDManager m = ids.getManager();
        long t = ids.getShape().get(1);
        long past = cache.length();
        NDArray mask = keyMask;                                                  // (B, 1, 1, S) or null
        if (t > 1) {
            NDArray rows = m.arange(0, (int) t, 1, DataType.INT64).add(past).expandDims(1); // (T, 1)
            NDArray cols = m.arange(0, (int) (past + t), 1, DataType.INT64).expandDims(0);  // (1, S)
            NDArray causal = cols.gt(rows).toType(DataType.FLOAT32, false)
                    .mul(m.full(new Shape(1), BLOCKED)).reshape(1, 1, t, past + t);         // (1, 1, T, S)
            mask = mask == null ? causal : causal.add(mask);                                // (B, 1, T, S)
        }
        NDList cosSin = null;                                                    // (B, 1, T, hd) x2 when T > 1
        NDArray[] step = null;                                                   // (B, 1, hd, hd) x2 when T = 1
        if (t == 1) {
            long[] pos = positions.toLongArray();                                // (B)
            step = new NDArray[] {rope.stepMatrix(m, pos, 1.0), rope.stepMatrix(m, pos, 1.0 / Math.sqrt(c.headDim()))};
        } else {
            cosSin = rope.tables(positions);
        }
        NDArray w = ps.getValue(embedding, ids.getDevice(), false);              // (V, d)
        NDArray x = Embedding.embedding(ids, w, SparseFormat.DENSE).head();      // (B, T, d)
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forwardCached(ps, x, cosSin, step, mask, cache, i); // (B, T, d)
        }
        cache.advance(t);
        if (lastOnly && t > 1) {
            x = x.get(":, {}:, :", t - 1);                                       // (B, 1, d)
        }
        x = norm.forward(ps, new NDList(x), false).head();                       // (B, T|1, d)
        return head.forward(ps, new NDList(x), false).head();                    // (B, T|1, V)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        return new Shape[] {new Shape(ids.get(0), ids.get(1), c.vocabSize())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long b = inputShapes[0].get(0);
        long t = inputShapes[0].get(1);
        Shape x = new Shape(b, t, c.hidden());
        Shape table = new Shape(b, 1, t, c.headDim());
        for (DecoderLayer layer : layers) {
            layer.initialize(manager, dataType, x, table, table, new Shape(b, 1, t, t));
        }
        norm.initialize(manager, dataType, x);
        head.initialize(manager, dataType, x);
    }
}
