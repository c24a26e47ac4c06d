/**
 * The supervised fine-tuning recipe end to end: render a snapshot with its tokenizers, add guidance rows, record
 * the provenance and train. It sits above the training loop ({@code trainer.train}) and the tokenizers, so neither
 * depends on the other. Entry type: {@link dev.chameleon.workbench.trainer.recipe.SftRecipe}.
 */
package dev.chameleon.workbench.trainer.recipe;
