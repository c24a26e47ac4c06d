package dev.chameleon.workbench.trainer.model;

/**
 * The shape of a Chameleon-style decoder, immutable and checked when built (docs/chameleon.md#architecture).
 *
 * <p>Presets live in {@code configs/models/*.yaml} and are read through
 * {@link dev.chameleon.workbench.trainer.config.ConfigLoader}; YAML keys are the snake_case spelling of
 * the components ({@code vocab_size}, {@code kv_heads}, ...). Every key is required so that a preset
 * states the whole model; {@link #of} gives the paper's defaults to code that builds one directly.
 *
 * @param vocabSize      joint text + image-code vocabulary (Chameleon: 65,536 including 8,192 image codes)
 * @param hidden         model width d
 * @param layers         decoder layers
 * @param heads          query heads H; head_dim = hidden / heads
 * @param kvHeads        key/value heads (grouped-query attention); equal to heads for plain multi-head
 * @param ffnHidden      SwiGLU inner width
 * @param maxContext     longest sequence the rotary tables are built for
 * @param ropeTheta      rotary base (10,000)
 * @param rmsEps         RMSNorm epsilon (1e-5); also used by the QK LayerNorm
 * @param qkNorm         per-head LayerNorm on queries and keys after projection, before RoPE
 * @param normReordering Chameleon-34B Swin-style h = x + norm(attn(x)) instead of pre-norm
 * @param dropout        dropout probability in [0, 1) (0.05 in the SFT recipe)
 * @param zLossWeight    weight of log^2(Z) on the softmax normaliser (1e-5)
 * @param tiedEmbeddings share the token embedding with the output head (Chameleon: false)
 */
public record ModelConfig(
        int vocabSize,
        int hidden,
        int layers,
        int heads,
        int kvHeads,
        int ffnHidden,
        int maxContext,
        double ropeTheta,
        double rmsEps,
        boolean qkNorm,
        boolean normReordering,
        double dropout,
        double zLossWeight,
        boolean tiedEmbeddings) {

    /** Rejects shapes that cannot be built, naming the field and the fix. */
    public ModelConfig {
        positive("vocab_size", vocabSize);
        positive("hidden", hidden);
        positive("layers", layers);
        positive("heads", heads);
        positive("kv_heads", kvHeads);
        positive("ffn_hidden", ffnHidden);
        positive("max_context", maxContext);
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden (" + hidden + ") must be divisible by heads (" + heads
                    + "): choose heads among the divisors of hidden, or hidden = heads * head_dim");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("kv_heads (" + kvHeads + ") must divide heads (" + heads
                    + "): set kv_heads to a divisor of heads (kv_heads = heads for plain multi-head attention)");
        }
        if ((hidden / heads) % 2 != 0) {
            throw new IllegalArgumentException("head_dim = hidden / heads = " + (hidden / heads)
                    + " must be even for rotary embeddings: change hidden or heads");
        }
        if (!(ropeTheta > 0) || Double.isInfinite(ropeTheta)) {
            throw new IllegalArgumentException("rope_theta (" + ropeTheta + ") must be a positive finite number:"
                    + " use 10000 as in LLaMA-2 and Chameleon");
        }
        if (!(rmsEps > 0) || rmsEps >= 1) {
            throw new IllegalArgumentException("rms_eps (" + rmsEps + ") must be in (0, 1): use 1e-5");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout (" + dropout + ") must be in [0, 1):"
                    + " use 0.05 for SFT, 0 to switch it off");
        }
        if (!(zLossWeight >= 0) || Double.isInfinite(zLossWeight)) {
            throw new IllegalArgumentException("z_loss_weight (" + zLossWeight + ") must be >= 0 and finite:"
                    + " use 1e-5 as in Chameleon, 0 to switch it off");
        }
    }

    /** A config with the paper's defaults: RoPE 10000, eps 1e-5, QK-norm, pre-norm, no dropout, z-loss 1e-5, untied. */
    public static ModelConfig of(int vocabSize, int hidden, int layers, int heads, int kvHeads, int ffnHidden,
            int maxContext) {
        return new ModelConfig(vocabSize, hidden, layers, heads, kvHeads, ffnHidden, maxContext,
                10_000, 1e-5, true, false, 0.0, 1e-5, false);
    }

    /** The same shape over another vocabulary, e.g. the size of the tokenizer a run actually uses. */
    public ModelConfig withVocabSize(int newVocabSize) {
        return new ModelConfig(newVocabSize, hidden, layers, heads, kvHeads, ffnHidden, maxContext, ropeTheta, rmsEps,
                qkNorm, normReordering, dropout, zLossWeight, tiedEmbeddings);
    }

    /** Width of one attention head: hidden / heads. */
    public int headDim() {
        return hidden / heads;
    }

    /** Query heads sharing one key/value head. */
    public int groupSize() {
        return heads / kvHeads;
    }

    /**
     * Trainable parameters, counted from the shapes alone (nothing is allocated). No linear layer has a bias.
     *
     * <pre>
     * embedding               V*d
     * per layer  q, o         2 * d*(H*hd)
     *            k, v         2 * d*(KV*hd)
     *            QK LayerNorm gain+bias per head: 2*H*hd (q) + 2*KV*hd (k), if qk_norm
     *            SwiGLU       3 * d*F (w1 gate, w3 up, w2 down)
     *            two RMSNorms 2*d (attention norm, ffn norm; their place moves with norm_reordering)
     * final RMSNorm           d
     * output head             V*d, unless tied to the embedding
     * </pre>
     */
    public long parameterCount() {
        return embeddingParameters() + (long) layers * layerParameters() + hidden + outputHeadParameters();
    }

    /** Token-embedding parameters: V*d. */
    public long embeddingParameters() {
        return (long) vocabSize * hidden;
    }

    /** Output-head parameters: V*d, or 0 when tied to the embedding. */
    public long outputHeadParameters() {
        return tiedEmbeddings ? 0 : (long) vocabSize * hidden;
    }

    /** Parameters of one decoder layer (attention, QK-norm, SwiGLU, two RMSNorms). */
    public long layerParameters() {
        long d = hidden;
        long q = (long) heads * headDim();
        long kv = (long) kvHeads * headDim();
        long attention = d * q + 2 * d * kv + q * d;
        long qkNormParams = qkNorm ? 2 * q + 2 * kv : 0;
        long ffn = 3 * d * ffnHidden;
        return attention + qkNormParams + ffn + 2 * d;
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " (" + value + ") must be a positive integer");
        }
    }
}
