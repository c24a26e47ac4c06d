package dev.chameleon.workbench.trainer.generate;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One finished answer.
 *
 * @param text         the answer's text (image blocks and special tokens left out)
 * @param images       its images in order, each decoded from exactly N codes
 * @param tokens       every generated token id, image blocks and the closing end-of-turn or EOS included
 * @param stopReason   "eos", "end_of_turn", "max_tokens" or "cancelled"
 * @param promptTokens length of the rendered prompt
 * @param seconds      wall time from the call to this row's end
 */
public record GenerationResult(String text, List<BufferedImage> images, List<Integer> tokens, String stopReason,
                               int promptTokens, double seconds) {

    public GenerationResult {
        images = List.copyOf(images);
        tokens = List.copyOf(tokens);
    }
}
