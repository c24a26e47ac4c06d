/**
 * Loading the image tokenizer (VQGAN) of a released Chameleon checkpoint into our VQ model: from a Hugging Face
 * folder (encoder and quantizer only) or from the original release's Lightning {@code vqgan.ckpt} and
 * {@code vqgan.yaml} (the whole tokenizer). Entry types:
 * {@link dev.chameleon.workbench.trainer.hf.vq.HfVqImport} and
 * {@link dev.chameleon.workbench.trainer.hf.vq.InvalidVqTokenizerException} (a refused file, naming the file, the
 * key and the fix).
 */
package dev.chameleon.workbench.trainer.hf.vq;
