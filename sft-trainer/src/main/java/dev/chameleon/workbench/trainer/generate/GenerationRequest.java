package dev.chameleon.workbench.trainer.generate;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One prompt to answer: the user's text and images (rendered as a user turn of the training template, images
 * first, then the text), which modalities the answer may use, how to sample, image guidance, and a budget.
 *
 * @param prompt       the user's text (may be empty when there are images)
 * @param images       images in the prompt, padded to the square as prompt images are in training; may be empty
 * @param mode         text only, image only or interleaved
 * @param sampling     sampling settings ({@link Sampling#defaults()})
 * @param guidance     classifier-free guidance for image codes ({@link Guidance#defaults()}, {@link Guidance#off()})
 * @param maxNewTokens the most tokens to generate (image codes count)
 */
public record GenerationRequest(String prompt, List<BufferedImage> images, Mode mode, Sampling sampling,
                                Guidance guidance, int maxNewTokens) {

    public GenerationRequest {
        prompt = prompt == null ? "" : prompt;
        if (images != null) {
            for (int i = 0; i < images.size(); i++) {
                if (images.get(i) == null) {
                    throw new GenerationException("prompt image " + (i + 1) + " is missing (null): it could not be"
                            + " read; give a PNG, JPEG, GIF or BMP file");
                }
            }
        }
        images = images == null ? List.of() : List.copyOf(images);
        mode = mode == null ? Mode.TEXT : mode;
        sampling = sampling == null ? Sampling.defaults() : sampling;
        guidance = guidance == null ? Guidance.defaults() : guidance;
        if (maxNewTokens <= 0) {
            throw new GenerationException("max_new_tokens (" + maxNewTokens + ") must be positive");
        }
    }

    /** A text prompt with default sampling and guidance. */
    public static GenerationRequest of(String prompt, Mode mode, int maxNewTokens) {
        return new GenerationRequest(prompt, List.of(), mode, Sampling.defaults(), Guidance.defaults(), maxNewTokens);
    }
}
