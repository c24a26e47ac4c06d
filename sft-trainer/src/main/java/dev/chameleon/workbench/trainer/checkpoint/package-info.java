/**
 * The checkpoint contract: what a checkpoint folder holds and how it is written, read and listed. Entry types:
 * {@link dev.chameleon.workbench.trainer.checkpoint.Checkpoint} (the file names, the one writer and the readers)
 * and {@link dev.chameleon.workbench.trainer.checkpoint.CheckpointInfo} (the one lister: a run's checkpoints, every
 * run's, the newest).
 */
package dev.chameleon.workbench.trainer.checkpoint;
