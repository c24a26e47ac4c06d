/**
 * Reading the settings of Chameleon checkpoints in the Hugging Face layout (Chameleon 7B/30B, Anole 7B,
 * Lumina-mGPT), so that they can be mapped onto our model and fine-tuned. Entry types:
 * {@link dev.chameleon.workbench.trainer.hf.HfChameleonConfig} (a checkpoint's {@code config.json}: its fields
 * with transformers' defaults, {@code toModelConfig()}, what our model cannot represent yet, the image-code token
 * range) and {@link dev.chameleon.workbench.trainer.hf.InvalidHfConfigException} (a refused file, naming the file,
 * the field and the fix). The weights themselves are read by the sub-packages {@code safetensors} and
 * {@code torch}; {@code vq} loads the image tokenizer from them.
 */
package dev.chameleon.workbench.trainer.hf;
