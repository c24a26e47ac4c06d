package dev.chameleon.workbench.trainer.generate;

import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;

/**
 * The per-step modality rules of one answer (docs/chameleon.md#inference), inspected before and updated after every
 * token:
 *
 * <pre>
 *            text token / EOS / end-of-turn (stop)
 *           +----+
 *           v    |        begin-image (only if >= N+2 positions remain, never in TEXT mode)
 *        [ TEXT ]-+--------------------------------------------+
 *           ^                                                 v
 *           |   end-image (forced after exactly N codes)   [ IMAGE ] image codes only, N of them
 *           +-------------------------------------------------+
 * </pre>
 * IMAGE mode forces begin-image as the first token and end-of-turn after the one image; TEXT mode never
 * allows begin-image. Text positions allow text ids, EOS and end-of-turn; never BOS, PAD, UNK, spare specials,
 * image codes or end-image.
 */
final class ModalityState {

    private final VocabularyLayout layout;
    private final Mode mode;
    private final int n;
    private final int budget;
    private int generated;
    private boolean inImage;
    private int codes;
    private int images;

    /**
     * @param budget positions the answer may use: min(max_new_tokens, context - prompt length)
     */
    ModalityState(VocabularyLayout layout, Mode mode, int codesPerImage, int budget) {
        this.layout = layout;
        this.mode = mode;
        this.n = codesPerImage;
        this.budget = budget;
    }

    /** Positions left in the budget. */
    int remaining() {
        return budget - generated;
    }

    boolean inImage() {
        return inImage;
    }

    /** Codes of the current image so far. */
    int codes() {
        return codes;
    }

    /** True when a begin-image now would leave room for the whole block (begin, N codes, end). */
    boolean roomForImage() {
        return remaining() >= n + 2;
    }

    /** The token the rules force at this step, or -1 when the model chooses. */
    int forced() {
        if (inImage) {
            return codes == n ? layout.endImage() : -1;
        }
        if (mode == Mode.IMAGE) {
            return images == 0 && roomForImage() ? layout.beginImage() : layout.endOfTurn();
        }
        return -1;
    }

    /** Sets every id the rules forbid at this step to -infinity. */
    void mask(float[] logits) {
        if (inImage) {
            int lo = layout.imageCodeStart();
            int hi = lo + layout.codebookSize();
            for (int id = 0; id < logits.length; id++) {
                if (id < lo || id >= hi) {
                    logits[id] = Float.NEGATIVE_INFINITY;
                }
            }
            return;
        }
        boolean image = mode == Mode.INTERLEAVED && roomForImage();
        for (int id = 0; id < logits.length; id++) {
            boolean ok = id >= layout.textStart() || id == layout.eos() || id == layout.endOfTurn()
                    || image && id == layout.beginImage();
            if (!ok) {
                logits[id] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /** Records the token; returns true when it ends the answer (EOS or end-of-turn). */
    boolean accept(int token) {
        generated++;
        if (inImage) {
            if (codes == n) {
                if (token != layout.endImage()) {
                    throw new IllegalStateException("an image block must close with end-image after " + n + " codes");
                }
                inImage = false;
                images++;
            } else {
                if (!layout.isImageCode(token)) {
                    throw new IllegalStateException("token " + token + " inside an image block is not an image code");
                }
                codes++;
            }
            return false;
        }
        if (token == layout.beginImage()) {
            inImage = true;
            codes = 0;
            return false;
        }
        return token == layout.eos() || token == layout.endOfTurn();
    }
}
