package dev.chameleon.workbench.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The SFT objective: cross-entropy on answer tokens only, plus the z-loss on the softmax normaliser.
 *
 * <pre>
 *   ce    = sum_t w_t * -log p(y_t)      / N
 *   z     = sum_t w_t * (log Z_t)^2      / N      log Z_t = logsumexp over the vocabulary
 *   total = ce + z_weight * z
 * </pre>
 * w is the target mask (1 where the next token is an answer token of the same document, else 0) and N the
 * number of such tokens in the whole optimizer step, so micro-batches of a gradient-accumulation step add up
 * to the token mean of the effective batch. Scalars on the gradient path are libtorch arrays
 * (a Java scalar can be freed before backward reads it: docs/platform.md#scalars-on-the-gradient-path).
 *
 * @param total loss to differentiate, shape (1)
 * @param ce    the cross-entropy part, shape (1)
 * @param z     mean (log Z)^2 over the masked tokens, shape (1), unweighted
 * @param nll   per-position negative log-likelihood (B, T), for breakdowns; not on the gradient path you use
 */
record SftLoss(NDArray total, NDArray ce, NDArray z, NDArray nll) {

    /**
     * @param logits  (B, T, V)
     * @param targets (B, T) int64: the next token at each position (any valid id where the mask is 0)
     * @param mask    (B, T) float32: 1 where the loss counts
     * @param tokens  N, the masked-token count the mean divides by (the whole step's, when accumulating)
     * @param zWeight weight of the z-loss
     */
    public static SftLoss compute(NDArray logits, NDArray targets, NDArray mask, long tokens, double zWeight) {
        NDManager m = mask.getManager();
        NDArray logp = logits.logSoftmax(2);                                           // (B, T, V)
        NDArray nll = logp.gather(targets.expandDims(2), 2).squeeze(2).neg();          // (B, T)
        NDArray logZ = logits.get(":, :, 0").sub(logp.get(":, :, 0"));                 // (B, T)
        NDArray n = m.full(new Shape(1), (float) Math.max(1, tokens));                  // (1)
        NDArray ce = nll.mul(mask).sum().reshape(1).div(n);                            // (1)
        NDArray z = logZ.mul(logZ).mul(mask).sum().reshape(1).div(n);                  // (1)
        NDArray total = ce.add(z.mul(m.full(new Shape(1), (float) zWeight)));          // (1)
        return new SftLoss(total, ce, z, nll);
    }
}
