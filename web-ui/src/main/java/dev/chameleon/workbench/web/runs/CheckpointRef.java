package dev.chameleon.workbench.web.runs;

import java.nio.file.Path;

/**
 * One checkpoint of a run, for the views that load a model (the playground).
 *
 * @param runId     the run folder's name
 * @param step      the optimizer step it holds
 * @param dir       the checkpoint folder ({@code RUN/checkpoints/step-N}: model.bin, optimizer.bin, provenance.json)
 * @param runConfig the run's run.yaml (model, tokenizer paths), readable with
 *                  {@link dev.chameleon.workbench.trainer.train.TrainConfig#load(Path)}
 */
public record CheckpointRef(String runId, long step, Path dir, Path runConfig) {

    /** "RUN at step N", for pickers. */
    public String label() {
        return runId + " @ step " + step;
    }
}
