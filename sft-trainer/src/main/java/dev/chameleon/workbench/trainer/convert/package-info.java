/**
 * Conversions between our checkpoints and other layouts: {@link dev.chameleon.workbench.trainer.convert.HfExport}
 * writes a trained checkpoint as a Hugging Face Chameleon folder.
 */
package dev.chameleon.workbench.trainer.convert;
