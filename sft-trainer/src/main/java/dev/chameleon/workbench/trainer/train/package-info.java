/**
 * Supervised fine-tuning: the run config ({@link dev.chameleon.workbench.trainer.train.TrainConfig}), the training
 * loop ({@link dev.chameleon.workbench.trainer.train.SftRun}; its set-up from a snapshot and tokenizers is
 * {@code trainer.recipe.SftRecipe}), how a run ended
 * ({@link dev.chameleon.workbench.trainer.train.RunOutcome}, RUN/outcome.json) and its small parts: the masked cross-entropy + z-loss
 * ({@link dev.chameleon.workbench.trainer.train.SftLoss}), warm-up + cosine
 * ({@link dev.chameleon.workbench.trainer.train.LrSchedule}), a hand-written AdamW with weight-decay exclusions
 * and savable moments ({@link dev.chameleon.workbench.trainer.train.AdamW}), the seeded weighted window stream
 * ({@link dev.chameleon.workbench.trainer.train.WindowStream}), atomic checkpoints
 * ({@link dev.chameleon.workbench.trainer.checkpoint.Checkpoint}) and their provenance
 * ({@link dev.chameleon.workbench.trainer.train.Provenance}). Devices and data parallelism
 * ({@link dev.chameleon.workbench.trainer.train.Devices}, {@link dev.chameleon.workbench.trainer.train.DataParallel})
 * split each micro-batch across the devices the config names and sum the gradients onto the first. Before a run,
 * {@link dev.chameleon.workbench.trainer.train.MemoryEstimate} says from the shapes alone how much memory a step
 * needs (weights, gradients, optimizer state, activations, logits).
 *
 * <p>Why our own AdamW: DJL's optimizer decays every parameter and keeps its state where a checkpoint cannot reach
 * it; with the moments saved, a resumed run repeats the uninterrupted run's losses (tested within 1e-6 on CPU).
 * Why no DJL Trainer: the recipe needs the gradient norm before the update (global clipping, one host sync) and
 * its own per-step NDScope + sub-manager; a {@code GradientCollector} and in-place updates give both.
 *
 * <p>Limits today: the data-parallel path is tested only as two replicas on the CPU, never on a GPU; every rendered
 * example held in memory; bf16 unsupported on this CPU build (fp32 only). Determinism holds on CPU with the same
 * thread settings.
 */
package dev.chameleon.workbench.trainer.train;
