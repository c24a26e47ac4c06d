/**
 * YAML into code through one loader: {@link dev.chameleon.workbench.trainer.config.ConfigLoader} reads and
 * validates config records and presets under configs/, failing with {@link
 * dev.chameleon.workbench.trainer.config.ConfigException} (file, line, field and fix); {@link
 * dev.chameleon.workbench.trainer.config.TokenizerRecipe} is the tokenizer-training config.
 */
package dev.chameleon.workbench.trainer.config;
