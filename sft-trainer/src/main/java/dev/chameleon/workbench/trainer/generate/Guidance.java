package dev.chameleon.workbench.trainer.generate;

/**
 * Classifier-free guidance for image codes, from three rows decoded side by side: the full prompt (f), the
 * prompt's images only (i) and the unconditioned [BOS, begin-image] (u):
 * {@code logits = u + image * (i - u) + text * (f - i)} (docs/chameleon.md#classifier-free-guidance).
 *
 * @param text  weight of the text condition, g_txt (3.0)
 * @param image weight of the image condition, g_img (1.2)
 */
public record Guidance(double text, double image) {

    public Guidance {
        if (!Double.isFinite(text) || !Double.isFinite(image)) {
            throw new GenerationException("guidance weights must be finite numbers, got text " + text + " and image "
                    + image + ": use 3.0 and 1.2, or Guidance.off()");
        }
    }

    /** g_txt 3.0, g_img 1.2. */
    public static Guidance defaults() {
        return new Guidance(3.0, 1.2);
    }

    /** No guidance: only the full-prompt row is decoded (text 1, image 1 reduce the formula to f). */
    public static Guidance off() {
        return new Guidance(1.0, 1.0);
    }

    /** True when the formula is the identity on f, so the extra rows need not be decoded. */
    public boolean isOff() {
        return text == 1.0 && image == 1.0;
    }

    /** Writes {@code u + image*(i-u) + text*(f-i)} into {@code out} (may be {@code f}); all arrays of one length. */
    public void combine(float[] f, float[] i, float[] u, float[] out) {
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (u[j] + image * (i[j] - u[j]) + text * (f[j] - i[j]));
        }
    }
}
