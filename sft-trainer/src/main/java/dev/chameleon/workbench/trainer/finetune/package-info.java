/**
 * Fine-tuning from released or earlier weights: the base a run starts from ({@code init_from},
 * {@link dev.chameleon.workbench.trainer.finetune.BaseModel}: a Hugging Face folder or one of our checkpoints, whole
 * or partial), and LoRA adapters written in the PEFT layout
 * ({@link dev.chameleon.workbench.trainer.finetune.PeftAdapters}). The adapters themselves live in the model
 * ({@code trainer.model.LoraConfig}).
 */
package dev.chameleon.workbench.trainer.finetune;
