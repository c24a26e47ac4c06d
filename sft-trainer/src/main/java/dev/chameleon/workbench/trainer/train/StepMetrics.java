package dev.chameleon.workbench.trainer.train;

import java.util.Map;

/**
 * What one optimizer step measured; one JSON line of metrics.jsonl.
 *
 * @param step          optimizer steps done (1-based)
 * @param loss          ce + z_weight * z over the effective batch
 * @param ce            cross-entropy on answer tokens
 * @param zLoss         mean (log Z)^2 on answer tokens, unweighted
 * @param perCategory   cross-entropy per category wire name (categories with answer tokens in this step)
 * @param perModality   cross-entropy per target modality (text, image, special)
 * @param lr            learning rate used
 * @param gradNorm      global gradient norm before clipping
 * @param tokensPerSecond real (non-pad) tokens per second of wall time
 * @param fill          real tokens / (windows * T) in this step
 * @param lossTokens    answer tokens the loss was averaged over
 */
public record StepMetrics(int step, double loss, double ce, double zLoss, Map<String, Double> perCategory,
                          Map<String, Double> perModality, double lr, double gradNorm, double tokensPerSecond,
                          double fill, long lossTokens) {

    /** The console progress line. */
    public String progressLine(int steps) {
        return String.format(java.util.Locale.ROOT, "step %d/%d  loss %.4f  lr %.3e  grad_norm %.3f  tok/s %.0f  fill %.1f%%",
                step, steps, loss, lr, gradNorm, tokensPerSecond, 100 * fill);
    }
}
