package dev.chameleon.workbench.web.generation;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A checkpoint a user can pick in the Playground or Side by side: one of a run's {@code RUN/checkpoints/step-N} folders, or a folder typed in.
 *
 * @param label   "RUN @ step N" for the workspace's runs, "RUN @ step N (PATH)" or the path for typed folders
 * @param dir     the folder ({@link dev.chameleon.workbench.trainer.generate.Generator#load} takes it)
 * @param step    the optimizer step, or -1 when the folder's name does not say
 * @param written when the checkpoint was written (its folder's modification time)
 */
public record CheckpointChoice(String label, Path dir, long step, Instant written) {

    @Override
    public String toString() {
        return label;
    }
}
