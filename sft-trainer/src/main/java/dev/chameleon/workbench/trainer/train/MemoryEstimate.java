package dev.chameleon.workbench.trainer.train;

import dev.chameleon.workbench.trainer.model.LoraConfig;
import dev.chameleon.workbench.trainer.model.ModelConfig;

import java.util.Locale;

/**
 * The memory one training step needs on one device, from the shapes alone (nothing is allocated), in bytes.
 *
 * <pre>
 * weights      P * w                       P = ModelConfig.parameterCount(), w = weight bytes (4 fp32, 2 bf16)
 * gradients    P_t * w                     P_t = trainable parameters (P for full fine-tuning)
 * optimizer    P_t * (4 + 4)               AdamW's two moments, fp32
 *              + P_t * 4 if w < 4           fp32 master weights beside 16-bit weights
 * activations  B * L * per_layer + B * other          (see below), in weight bytes
 * logits       3 * B * T * V * 4           logits, their log-softmax and the gradient, fp32
 * </pre>
 *
 * <p>{@link AdamW} allocates its moments in the weight's own data type, which is fp32 on every run today; a 16-bit
 * run is expected to keep fp32 moments and an fp32 master copy, as mixed-precision training does, and the formula
 * already counts it so.
 *
 * <p>Activations: DJL keeps every intermediate of the forward until the step's scope closes, so the count is of
 * every tensor the forward makes (views such as slices and transposes of contiguous arrays are free), per row of
 * T tokens, with d = hidden, k = kv_heads * head_dim, F = ffn_hidden, H = heads:
 * <pre>
 * per_layer = T * (a * d + b * k + 5 * F) + s * H * T * T
 *   a = 6            two RMSNorms: x^2, x / rms, * gain
 *     + 1            q projection
 *     + 5            q LayerNorm (centred, squared, divided, * gain, + bias), if qk_norm
 *     + 5            q RoPE (halves, negated half, concatenation, two products, sum)
 *     + 3            attention output (B, H, T, hd), its (B, T, d) copy, wo
 *     + 2            the two residual sums
 *     + 2            dropout on the two residual branches, if dropout &gt; 0
 *     + 2            keys and values repeated to H heads, if kv_heads &lt; heads
 *   b = 2 + 5 + 5    k and v projections, k LayerNorm (if qk_norm), k RoPE
 *   5 * F            SwiGLU: gate, up, sigmoid(gate), gate * sigmoid, * up
 *   s = 4            scores, scaled, masked, softmax
 *     + 1            dropped attention weights, if dropout &gt; 0
 * other = T * (4 * d) + 2 * T * T         embedding output, final RMSNorm, the causal and document masks
 * </pre>
 * Not counted: the backward's transient gradients of activations (freed layer by layer in the engine, yet they
 * add a peak of roughly one layer's activations), the rotary tables, allocator slack and the engine itself; the
 * estimate is therefore a floor, shown as "about". Attention is written out (no fused kernel), so the T * T
 * scores dominate long windows.
 *
 * @param weights     bytes of the model's weights
 * @param gradients   bytes of the trainable parameters' gradients
 * @param optimizer   bytes of AdamW's state (moments, and master weights for 16-bit weights)
 * @param activations bytes the forward keeps for backward for one micro-batch, logits excluded
 * @param logits      bytes of the logits, their log-softmax and gradient for one micro-batch
 */
public record MemoryEstimate(long weights, long gradients, long optimizer, long activations, long logits) {

    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final int FP32 = 4;

    /** Full fine-tuning in fp32, as every run trains today. */
    public static MemoryEstimate fullFineTuning(ModelConfig model, int seqLen, int microBatch) {
        return of(model, seqLen, microBatch, FP32, model.parameterCount());
    }

    /**
     * The estimate for a run of {@code microBatch} windows of {@code seqLen} tokens.
     *
     * @param weightBytes     bytes per weight: 4 (fp32) or 2 (bf16, fp16)
     * @param trainableParams parameters that get gradients and optimizer state: parameterCount() for full
     *                        fine-tuning, the adapters' count for LoRA
     */
    public static MemoryEstimate of(ModelConfig model, int seqLen, int microBatch, int weightBytes,
            long trainableParams) {
        if (seqLen <= 0 || microBatch <= 0) {
            throw new IllegalArgumentException("seq_len (" + seqLen + ") and batch_size (" + microBatch
                    + ") must be positive integers");
        }
        if (weightBytes != 2 && weightBytes != 4) {
            throw new IllegalArgumentException("weight bytes (" + weightBytes + ") must be 4 (fp32) or 2 (bf16)");
        }
        if (trainableParams < 0) {
            throw new IllegalArgumentException("trainable parameters (" + trainableParams + ") must be >= 0");
        }
        long weights = model.parameterCount() * weightBytes;
        long gradients = trainableParams * weightBytes;
        long optimizer = trainableParams * (2L * FP32 + (weightBytes < FP32 ? FP32 : 0));
        long activations = (long) microBatch * (model.layers() * layerActivationElements(model, seqLen)
                + otherActivationElements(model, seqLen)) * weightBytes;
        long logits = 3L * microBatch * seqLen * model.vocabSize() * FP32;
        return new MemoryEstimate(weights, gradients, optimizer, activations, logits);
    }

    /**
     * The estimate for {@code run} on {@code model} (the resolved model): full fine-tuning, LoRA (gradients and
     * AdamW state for the adapters only, {@link LoraConfig#parameterCount}; the adapters' own activations added), or
     * Anole's image-head rows (the head's gradient is computed whole, V * d, but AdamW keeps state for the K image
     * rows only, K = the image codes, {@code imageCodes}). Frozen weights need neither gradients nor optimizer state.
     */
    public static MemoryEstimate forRun(TrainConfig run, ModelConfig model, int imageCodes) {
        MemoryEstimate full = of(model, run.seqLen(), run.batchSize(), FP32, model.parameterCount());
        LoraConfig lora = run.lora();
        if (lora != null) {
            long adapters = lora.parameterCount(model);
            long extra = (long) run.batchSize() * model.layers() * loraActivationElements(model, lora, run.seqLen())
                    * FP32;
            return new MemoryEstimate(full.weights() + adapters * FP32, adapters * FP32, adapters * 2L * FP32,
                    full.activations() + extra, full.logits());
        }
        if (run.trainOnly().equals(TrainConfig.IMAGE_HEAD_ROWS)) {
            long head = model.outputHeadParameters();
            long rows = (long) imageCodes * model.hidden();
            return new MemoryEstimate(full.weights(), head * FP32, rows * 2L * FP32, full.activations(),
                    full.logits());
        }
        return full;
    }

    /**
     * Elements one layer's adapters keep for one row of {@code t} tokens: per adapted projection (in, out),
     * t * (in (dropped input, if dropout) + r (A x) + 2 out (B A x, scaled) + out (the sum with W x)).
     */
    static long loraActivationElements(ModelConfig c, LoraConfig lora, long t) {
        long n = 0;
        for (String target : lora.targets()) {
            long[] io = LoraConfig.inOut(c, target);
            n += t * ((lora.dropout() > 0 ? io[0] : 0) + lora.rank() + 3 * io[1]);
        }
        return n;
    }

    /** Elements one decoder layer's forward keeps for one row of {@code t} tokens (the class comment's per_layer). */
    static long layerActivationElements(ModelConfig c, long t) {
        long d = c.hidden();
        long k = (long) c.kvHeads() * c.headDim();
        boolean dropout = c.dropout() > 0;
        long a = 6 + 1 + (c.qkNorm() ? 5 : 0) + 5 + 3 + 2 + (dropout ? 2 : 0) + (c.groupSize() > 1 ? 2 : 0);
        long b = 2 + (c.qkNorm() ? 5 : 0) + 5;
        long s = 4 + (dropout ? 1 : 0);
        return t * (a * d + b * k + 5L * c.ffnHidden()) + s * c.heads() * t * t;
    }

    /** Elements outside the layers for one row: embedding output, final RMSNorm, masks (the class comment's other). */
    static long otherActivationElements(ModelConfig c, long t) {
        return t * 4L * c.hidden() + 2 * t * t;
    }

    /** All parts together, in bytes. */
    public long total() {
        return weights + gradients + optimizer + activations + logits;
    }

    /** Whether the step fits in {@code bytes} of memory. */
    public boolean fitsIn(long bytes) {
        return total() <= bytes;
    }

    /** One line in GiB, logits counted with the activations: "about 13.4 GiB: weights 3.2, gradients 3.2, ...". */
    public String describe() {
        return "about " + gib(total()) + " GiB: " + parts();
    }

    /** The parts in GiB, logits counted with the activations: "weights 3.2, gradients 3.2, optimizer 6.4, ...". */
    public String parts() {
        return String.format(Locale.ROOT, "weights %s, gradients %s, optimizer %s, activations %s",
                gib(weights), gib(gradients), gib(optimizer), gib(activations + logits));
    }

    /** {@code bytes} in GiB with one decimal (two under 0.1, so that small models do not read as 0.0). */
    public static String gib(long bytes) {
        double g = bytes / GIB;
        return String.format(Locale.ROOT, g > 0 && g < 0.095 ? "%.2f" : "%.1f", g);
    }
}
