/**
 * The VQ image tokenizer: loading and pre-processing images, the VQ model, its training and checkpoints. Entry
 * types: {@link dev.chameleon.workbench.trainer.tokens.image.VqImageTokenizer}, {@link
 * dev.chameleon.workbench.trainer.tokens.image.VqConfig}, {@link
 * dev.chameleon.workbench.trainer.tokens.image.VqTrainer}, the training recipe {@link
 * dev.chameleon.workbench.trainer.tokens.image.VqTraining}, {@link
 * dev.chameleon.workbench.trainer.tokens.image.ImageLoader}, {@link
 * dev.chameleon.workbench.trainer.tokens.image.ImagePreprocessing} and {@link
 * dev.chameleon.workbench.trainer.tokens.image.InvalidImageException}, and {@link
 * dev.chameleon.workbench.trainer.tokens.image.VqStateDict} (the weights under taming's names, for loading a released
 * tokenizer). Its benchmark lives in the benchmarks
 * module ({@code benchmarks.jar image-tokenizer}).
 */
package dev.chameleon.workbench.trainer.tokens.image;
