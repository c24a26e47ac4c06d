/**
 * Reads PyTorch checkpoints (torch.save's zip format, Lightning {@code .ckpt} files included) without running
 * them: the pickle inside is read by an allow-list machine that builds only dicts, lists, tuples, scalars and
 * tensors, and refuses anything that would call code when Python loads the file. Entry types:
 * {@link dev.chameleon.workbench.trainer.hf.torch.TorchCheckpoint} (open a file, its object tree, its state dict,
 * a tensor's values), {@link dev.chameleon.workbench.trainer.hf.torch.TorchTensor} (a tensor's dtype, shape,
 * stride and storage), {@link dev.chameleon.workbench.trainer.hf.torch.TorchDtype} and
 * {@link dev.chameleon.workbench.trainer.hf.torch.UnsafePickleException} (a refused pickle, with file, byte offset
 * and what it asked for).
 */
package dev.chameleon.workbench.trainer.hf.torch;
