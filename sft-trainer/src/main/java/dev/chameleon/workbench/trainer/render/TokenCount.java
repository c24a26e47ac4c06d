package dev.chameleon.workbench.trainer.render;

/**
 * How many tokens one rendered example takes.
 *
 * @param total       every token of the sequence (BOS, headers, text, image blocks, end-of-turns)
 * @param loss        tokens the loss is computed on (answers and their end-of-turns)
 * @param imageTokens image-code tokens only (N per image; begin-image and end-image count as special)
 * @param images      image blocks
 */
public record TokenCount(int total, int loss, int imageTokens, int images) {
}
