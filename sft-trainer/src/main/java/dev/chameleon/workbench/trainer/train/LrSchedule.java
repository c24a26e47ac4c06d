package dev.chameleon.workbench.trainer.train;

/**
 * Linear warm-up to the peak, then cosine decay to the minimum at the last step (docs/chameleon.md#sft-recipe).
 *
 * <p>Step s counts from 0. Warm-up: peak * (s + 1) / warmup for s &lt; warmup. Then, with
 * p = (s - warmup) / max(1, steps - warmup - 1): min + (peak - min) * (1 + cos(pi * p)) / 2, so the first
 * step after warm-up runs at the peak and the last at the minimum.
 */
public record LrSchedule(double peak, double min, int warmup, int steps) {

    public static LrSchedule of(TrainConfig c) {
        return new LrSchedule(c.lr(), c.minLr(), c.warmupSteps(), c.steps());
    }

    /** Learning rate for optimizer step {@code s} (0-based). */
    public double at(int s) {
        if (s < warmup) {
            return peak * (s + 1) / warmup;
        }
        double p = Math.min(1.0, (double) (s - warmup) / Math.max(1, steps - warmup - 1));
        return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * p));
    }
}
