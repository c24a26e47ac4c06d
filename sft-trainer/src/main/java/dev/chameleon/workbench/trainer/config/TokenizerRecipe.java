package dev.chameleon.workbench.trainer.config;

/**
 * How to train a workspace's tokenizers on first use (presets in {@code configs/tokenizers/*.yaml}, read through
 * {@link ConfigLoader}). The text tokenizer is trained on the snapshot's text, the image tokenizer on its images.
 *
 * @param textVocabSize  ids in the whole vocabulary, specials and image codes included; must equal the model's
 *                       vocab_size
 * @param imageConfig    a VQ preset name ({@code demo}, {@code small}, {@code chameleon}); its codebook is
 *                       reserved in the text vocabulary
 * @param imageSteps     VQ training steps
 * @param imageBatchSize images per VQ training step
 * @param imageLr        peak VQ learning rate; it falls along a cosine to a tenth of it over the steps
 */
public record TokenizerRecipe(int textVocabSize, String imageConfig, int imageSteps, int imageBatchSize,
                              double imageLr) {

    public TokenizerRecipe {
        if (textVocabSize < 512) {
            throw new IllegalArgumentException("text_vocab_size must be at least 512 (specials, image codes and"
                    + " the 256 byte tokens need room), got " + textVocabSize);
        }
        if (imageConfig == null || imageConfig.isBlank()) {
            throw new IllegalArgumentException("image_config is required: name a VQ preset such as demo or small");
        }
        if (imageSteps < 1) {
            throw new IllegalArgumentException("image_steps must be at least 1, got " + imageSteps);
        }
        if (imageBatchSize < 1) {
            throw new IllegalArgumentException("image_batch_size must be at least 1, got " + imageBatchSize);
        }
        if (!(imageLr > 0 && imageLr < 1)) {
            throw new IllegalArgumentException("image_lr must be in (0, 1), e.g. 2.0e-3; got " + imageLr);
        }
    }
}
