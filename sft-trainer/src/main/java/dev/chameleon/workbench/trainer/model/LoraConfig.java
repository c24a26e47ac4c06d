package dev.chameleon.workbench.trainer.model;

import dev.chameleon.workbench.trainer.config.InvalidValueException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Low-rank adapters (LoRA) on the model's projections: each adapted Linear W (out, in) computes
 * {@code W x + (alpha / r) B A dropout(x)} with A (r, in) and B (out, r), B starting at zero so that step 0 is the
 * base model. Only A and B train; W stays frozen. The target names are the Hugging Face module names, as PEFT's
 * {@code target_modules} spells them.
 *
 * <pre>
 *   q_proj k_proj v_proj o_proj     attention (our wq wk wv wo)
 *   gate_proj up_proj down_proj     SwiGLU    (our w1 w3 w2)
 * </pre>
 *
 * @param rank    r, the adapters' inner width (8 to 64 are usual)
 * @param alpha   the scale numerator: the update is multiplied by alpha / r (often 2 r)
 * @param dropout dropout on the adapter's input, in [0, 1) (0.05 is usual)
 * @param targets projections that get adapters, from the list above
 */
public record LoraConfig(int rank, double alpha, double dropout, List<String> targets) {

    /** Every projection that can take an adapter, in PEFT's names. */
    public static final List<String> ALL_TARGETS =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    /** Rejects adapters that cannot be built, naming the key ({@code lora/rank}, ...) and the fix. */
    public LoraConfig {
        if (rank <= 0) {
            throw new InvalidValueException("rank", "rank (" + rank + ") must be a positive integer: the adapters'"
                    + " inner width, e.g. 16");
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new InvalidValueException("alpha", "alpha (" + alpha + ") must be a positive finite number: the"
                    + " update is scaled by alpha / rank, e.g. alpha 32 with rank 16");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new InvalidValueException("dropout", "dropout (" + dropout + ") must be in [0, 1): use 0.05, or 0"
                    + " for none");
        }
        if (targets == null || targets.isEmpty()) {
            throw new InvalidValueException("targets", "targets is empty; name the projections to adapt, from "
                    + String.join(", ", ALL_TARGETS));
        }
        Set<String> seen = new TreeSet<>();
        for (String t : targets) {
            if (!ALL_TARGETS.contains(t)) {
                throw new InvalidValueException("targets", "targets names unknown module '" + t + "'; use "
                        + String.join(", ", ALL_TARGETS));
            }
            if (!seen.add(t)) {
                throw new InvalidValueException("targets", "targets names '" + t + "' twice; list each module once");
            }
        }
        targets = List.copyOf(targets);
    }

    /** The factor alpha / r the adapter's output is multiplied by. */
    public double scale() {
        return alpha / rank;
    }

    /** Whether the projection {@code target} (a PEFT name) gets an adapter. */
    public boolean adapts(String target) {
        return targets.contains(target);
    }

    /**
     * The adapters' parameter count for {@code model}: r * (in + out) for each adapted projection in every layer.
     *
     * <pre>
     *   q_proj  r (d + H hd)     k_proj, v_proj  r (d + KV hd)     o_proj  r (H hd + d)
     *   gate_proj, up_proj  r (d + F)                              down_proj  r (F + d)
     * </pre>
     */
    public long parameterCount(ModelConfig model) {
        long perLayer = 0;
        for (String t : targets) {
            long[] io = inOut(model, t);
            perLayer += (long) rank * (io[0] + io[1]);
        }
        return perLayer * model.layers();
    }

    /** {in, out} features of the projection {@code target} in {@code model}. */
    public static long[] inOut(ModelConfig c, String target) {
        long d = c.hidden();
        long q = (long) c.heads() * c.headDim();
        long kv = (long) c.kvHeads() * c.headDim();
        long f = c.ffnHidden();
        return switch (target) {
            case "q_proj" -> new long[] {d, q};
            case "k_proj", "v_proj" -> new long[] {d, kv};
            case "o_proj" -> new long[] {q, d};
            case "gate_proj", "up_proj" -> new long[] {d, f};
            case "down_proj" -> new long[] {f, d};
            default -> throw new IllegalArgumentException("unknown LoRA target " + target);
        };
    }
}
