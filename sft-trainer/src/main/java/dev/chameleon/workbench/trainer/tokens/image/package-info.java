/**
 * The VQ image tokenizer on DJL: encoder, vector quantizer and decoder, its training, checkpoints, and the image
 * loading and pre-processing at its edge.
 *
 * <p>Entry types: {@link dev.chameleon.workbench.trainer.tokens.image.VqImageTokenizer},
 * {@link dev.chameleon.workbench.trainer.tokens.image.VqModel}, {@link dev.chameleon.workbench.trainer.tokens.image.VqConfig},
 * {@link dev.chameleon.workbench.trainer.tokens.image.VqTrainer}, {@link dev.chameleon.workbench.trainer.tokens.image.VqCheckpoint},
 * {@link dev.chameleon.workbench.trainer.tokens.image.ImageLoader},
 * {@link dev.chameleon.workbench.trainer.tokens.image.ImagePreprocessing} and
 * {@link dev.chameleon.workbench.trainer.tokens.image.InvalidImageException}. Its benchmark lives in the
 * benchmarks module ({@code benchmarks.jar image-tokenizer}).
 */
package dev.chameleon.workbench.trainer.tokens.image;
