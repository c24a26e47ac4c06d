/**
 * Mixed-modal generation from a checkpoint: {@link dev.chameleon.workbench.trainer.generate.Generator} (the decode
 * engine, loaded from a checkpoint) takes {@link dev.chameleon.workbench.trainer.generate.GenerationRequest}s
 * ({@link dev.chameleon.workbench.trainer.generate.Mode}, {@link
 * dev.chameleon.workbench.trainer.generate.Sampling}, {@link dev.chameleon.workbench.trainer.generate.Guidance})
 * and streams {@link dev.chameleon.workbench.trainer.generate.GenerationEvent}s into a {@link
 * dev.chameleon.workbench.trainer.generate.GenerationResult}; failures a user can fix are {@link
 * dev.chameleon.workbench.trainer.generate.GenerationException}s; {@link
 * dev.chameleon.workbench.trainer.generate.TokenizerLoader} opens a checkpoint's tokenizers. Inside: prompt
 * rendering (Prompts), per-request decode state (DecodeRow), modality rules (ModalityState), sampling (Sampler)
 * and model loading (ModelLoader, ModelFiles).
 */
package dev.chameleon.workbench.trainer.generate;
