/**
 * Reading and writing the safetensors format and the Hugging Face folder layout of sharded weights, in plain
 * Java, for checkpoints of any size: headers are checked strictly (files come from the internet), tensor bytes are
 * memory-mapped one tensor at a time, and F16/BF16 convert to and from float bit-exactly. Entry types:
 * {@link dev.chameleon.workbench.trainer.hf.safetensors.SafetensorsFile} (one file: tensor list, metadata,
 * floats or raw bytes), {@link dev.chameleon.workbench.trainer.hf.safetensors.SafetensorsWriter} (one file),
 * {@link dev.chameleon.workbench.trainer.hf.safetensors.ShardedSafetensors} and
 * {@link dev.chameleon.workbench.trainer.hf.safetensors.ShardedSafetensorsWriter} (a model folder: an index and
 * its shards, or one {@code model.safetensors}), with
 * {@link dev.chameleon.workbench.trainer.hf.safetensors.TensorInfo},
 * {@link dev.chameleon.workbench.trainer.hf.safetensors.Dtype},
 * {@link dev.chameleon.workbench.trainer.hf.safetensors.FloatSource} (a tensor's values, streamed to a writer)
 * and {@link dev.chameleon.workbench.trainer.hf.safetensors.InvalidSafetensorsException} (a file that breaks
 * the format, naming the file, the part and the fault).
 */
package dev.chameleon.workbench.trainer.hf.safetensors;
