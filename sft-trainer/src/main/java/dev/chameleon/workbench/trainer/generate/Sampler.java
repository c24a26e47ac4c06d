package dev.chameleon.workbench.trainer.generate;

import java.util.Arrays;
import java.util.Random;

/**
 * Draws one token from logits in which disallowed ids are already -infinity: text repetition penalty,
 * temperature, top-k, top-p, then a seeded draw. One per row; buffers are reused across steps.
 */
final class Sampler {

    private final Sampling s;
    private final Random random;
    private long[] order = new long[0];

    Sampler(Sampling s, long rowSeed) {
        this.s = s;
        this.random = new Random(rowSeed);
    }

    /**
     * Applies the repetition penalty in place to {@code logits[id]} for every {@code seen[id]} (text ids only are
     * ever marked): positive logits divided by the penalty, negative ones multiplied (CTRL).
     */
    static void penalize(float[] logits, boolean[] seen, double penalty) {
        if (penalty == 1.0) {
            return;
        }
        for (int id = 0; id < logits.length; id++) {
            if (seen[id]) {
                float l = logits[id];
                logits[id] = (float) (l > 0 ? l / penalty : l * penalty);
            }
        }
    }

    /** The next token; {@code logits} holds -infinity at disallowed ids (at least one id must be allowed). */
    int sample(float[] logits) {
        int best = -1;
        for (int id = 0; id < logits.length; id++) {
            if (logits[id] != Float.NEGATIVE_INFINITY && (best < 0 || logits[id] > logits[best])) {
                best = id;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("no token is allowed at this step");
        }
        if (s.temperature() == 0) {
            return best;
        }
        double max = logits[best];
        int n = 0;
        if (order.length < logits.length) {
            order = new long[logits.length];
        }
        for (int id = 0; id < logits.length; id++) {
            if (logits[id] != Float.NEGATIVE_INFINITY) {
                float p = (float) Math.exp((logits[id] - max) / s.temperature());
                // Sort key: probability descending (its bits, flipped), then id ascending.
                order[n++] = ((long) (Integer.MAX_VALUE - Float.floatToIntBits(p)) << 32) | id;
            }
        }
        Arrays.sort(order, 0, n);
        int keep = s.topK() > 0 ? Math.min(n, s.topK()) : n;
        double kept = 0;
        for (int k = 0; k < keep; k++) {
            kept += prob(order[k]);
        }
        if (s.topP() < 1) {
            double mass = 0;
            double target = s.topP() * kept;
            for (int k = 0; k < keep; k++) {
                mass += prob(order[k]);
                if (mass >= target) {
                    keep = k + 1;
                    kept = mass;
                    break;
                }
            }
        }
        double u = random.nextDouble() * kept;
        double acc = 0;
        for (int k = 0; k < keep; k++) {
            acc += prob(order[k]);
            if (u < acc) {
                return (int) order[k];
            }
        }
        return (int) order[keep - 1];
    }

    private static double prob(long packed) {
        return Float.intBitsToFloat(Integer.MAX_VALUE - (int) (packed >>> 32));
    }
}
