package dev.chameleon.workbench.trainer.tokens;

/** How an image is brought to the tokenizer's square resolution (docs/chameleon.md#images-in-prompts-and-answers). */
public enum ImageFit {
    /** Resize the short side and crop the centre: images in answers. */
    CENTER_CROP,
    /** Resize the long side and pad the borders with white: images in prompts. */
    PAD
}
