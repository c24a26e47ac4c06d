package dev.chameleon.workbench.trainer.render;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.trainer.tokens.ImageFit;

import java.util.List;

/**
 * One example as a training sequence: token ids with a loss mask and a modality mask of the same length, and
 * where each message and each image block sits. The arrays are owned by this record; do not change them.
 *
 * @param category the example's category
 * @param rotated  true when the image-caption pair was rotated so the image comes first
 * @param tokens   token ids of the joint vocabulary
 * @param loss     true where the loss is computed: answer tokens and the end-of-turn closing each answer
 * @param modality {@link Modality#code()} per position
 * @param spans    one span per message, in order
 * @param images   one block per image, in order
 */
public record RenderedExample(Category category, boolean rotated, int[] tokens, boolean[] loss, byte[] modality,
                              List<Span> spans, List<ImageBlock> images) {

    /**
     * Where one message sits: {@code [start, contentStart)} is its role header, {@code [contentStart, end - 1)} its
     * content and {@code end - 1} the end-of-turn that closes it.
     */
    public record Span(int message, Role role, int start, int contentStart, int end) {
    }

    /**
     * One image block: begin-image at {@code start}, the N codes, end-image at {@code end - 1}.
     *
     * @param message index of the message holding the image
     * @param sha256  the image's key
     * @param fit     how it was brought to the tokenizer's resolution (pad in prompts, centre-crop in answers)
     */
    public record ImageBlock(int message, String sha256, ImageFit fit, int start, int end) {
        /** Position of the first image code. */
        public int codesStart() {
            return start + 1;
        }

        /** Number of image codes (N). */
        public int codes() {
            return end - start - 2;
        }
    }

    public int length() {
        return tokens.length;
    }

    public Modality modalityAt(int pos) {
        return Modality.of(modality[pos]);
    }

    /** Counts of all tokens, loss tokens, image-code tokens and image blocks. */
    public TokenCount count() {
        int lossTokens = 0;
        int imageTokens = 0;
        for (int i = 0; i < tokens.length; i++) {
            if (loss[i]) {
                lossTokens++;
            }
            if (modality[i] == Modality.IMAGE.code()) {
                imageTokens++;
            }
        }
        return new TokenCount(tokens.length, lossTokens, imageTokens, images.size());
    }
}
