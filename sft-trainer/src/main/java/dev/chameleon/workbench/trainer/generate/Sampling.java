package dev.chameleon.workbench.trainer.generate;

/**
 * How the next token is drawn from the logits (docs/chameleon.md#sampling-defaults).
 *
 * @param temperature       divides the logits; 0 means greedy (argmax)
 * @param topP              nucleus: keep the smallest set of tokens whose probabilities sum to at least this; 1 = off
 * @param topK              keep only the K most likely tokens; 0 = off
 * @param repetitionPenalty divides positive (multiplies negative) logits of text tokens already in the sequence;
 *                          1 = off; never applied to image codes
 * @param seed              seeds the draw; the same request and seed give the same tokens
 */
public record Sampling(double temperature, double topP, int topK, double repetitionPenalty, long seed) {

    /** Rejects settings that cannot sample, naming the field and the fix. */
    public Sampling {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new GenerationException("temperature (" + temperature + ") must be >= 0 and finite:"
                    + " use 0.7, or 0 for greedy decoding");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new GenerationException("top_p (" + topP + ") must be in (0, 1]: use 0.9, or 1 to switch it off");
        }
        if (topK < 0) {
            throw new GenerationException("top_k (" + topK + ") must be >= 0: use 0 to switch it off");
        }
        if (!(repetitionPenalty >= 1) || Double.isInfinite(repetitionPenalty)) {
            throw new GenerationException("repetition_penalty (" + repetitionPenalty + ") must be >= 1 and finite:"
                    + " use 1.2, or 1 to switch it off");
        }
    }

    /** Temperature 0.7, top-p 0.9, top-k off, text repetition penalty 1.2, seed 0. */
    public static Sampling defaults() {
        return new Sampling(0.7, 0.9, 0, 1.2, 0);
    }

    /** Greedy decoding: temperature 0, no penalty. */
    public static Sampling greedy() {
        return new Sampling(0, 1, 0, 1, 0);
    }

    /** The same settings with another seed. */
    public Sampling withSeed(long newSeed) {
        return new Sampling(temperature, topP, topK, repetitionPenalty, newSeed);
    }
}
