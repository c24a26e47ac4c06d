/**
 * The tokenizer contracts the rest of the trainer is written against: {@link
 * dev.chameleon.workbench.trainer.tokens.TextTokenizer}, {@link
 * dev.chameleon.workbench.trainer.tokens.ImageTokenizer}, the shared id layout {@link
 * dev.chameleon.workbench.trainer.tokens.VocabularyLayout} and {@link
 * dev.chameleon.workbench.trainer.tokens.ImageFit}.
 */
package dev.chameleon.workbench.trainer.tokens;
