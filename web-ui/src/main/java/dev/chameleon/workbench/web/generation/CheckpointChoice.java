package dev.chameleon.workbench.web.generation;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A checkpoint a user can pick in the Playground, Side by side or as a run's starting point: one of a run's
 * {@code RUN/checkpoints/step-N} folders, a folder registered as imported ({@link ImportedCheckpoints}), or a folder
 * typed in.
 *
 * @param label    "RUN @ step N" for the workspace's runs, "imported · NAME (7.0B, 32 layers)" for imported ones,
 *                 "RUN @ step N (PATH)" or the path for typed folders
 * @param dir      the folder ({@link dev.chameleon.workbench.trainer.generate.Generator#load} takes it)
 * @param step     the optimizer step, or -1 when the folder's name does not say (imported ones)
 * @param written  when the checkpoint was written (its folder's modification time), or registered (imported ones)
 * @param imported whether it is a released checkpoint in the Hugging Face layout rather than one trained here:
 *                 such a model is large, so nothing loads it before a user picks it
 */
public record CheckpointChoice(String label, Path dir, long step, Instant written, boolean imported) {

    /** A checkpoint trained in the workspace, or typed in. */
    public CheckpointChoice(String label, Path dir, long step, Instant written) {
        this(label, dir, step, written, false);
    }

    @Override
    public String toString() {
        return label;
    }
}
