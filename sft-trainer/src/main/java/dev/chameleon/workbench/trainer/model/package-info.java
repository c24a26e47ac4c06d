/**
 * The Chameleon-style decoder, one small file per block (RMSNorm, rotary embedding, attention with QK-norm,
 * SwiGLU, decoder layer), with a shape comment on every tensor line. Entry types: {@link
 * dev.chameleon.workbench.trainer.model.ChameleonModel}, its config {@link
 * dev.chameleon.workbench.trainer.model.ModelConfig} and the decode-time {@link
 * dev.chameleon.workbench.trainer.model.KvCache}.
 */
package dev.chameleon.workbench.trainer.model;
