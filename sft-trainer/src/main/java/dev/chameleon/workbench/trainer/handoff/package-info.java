/**
 * Handing a run over to a trainer on a cluster: {@link dev.chameleon.workbench.trainer.handoff.RunExport} writes the
 * packed windows the run trains on (int32 safetensors shards: input_ids, labels, position_ids, document_ids), a
 * manifest ({@code data.json}), the resolved recipe and the tokenizers into one folder that a torchrun/FSDP or
 * DeepSpeed trainer built on transformers reads. The format is described in docs/handoff.md.
 */
package dev.chameleon.workbench.trainer.handoff;
