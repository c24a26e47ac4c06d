package dev.chameleon.workbench.trainer.train;

import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import dev.chameleon.workbench.trainer.checkpoint.CheckpointInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A run's checkpoints, for callers written before {@link Checkpoint} and {@link CheckpointInfo}, to which every
 * method delegates.
 *
 * @deprecated list with {@link CheckpointInfo#ofRun}, write with {@link Checkpoint#write}.
 */
@Deprecated
public final class Checkpoints {

    private final Path runDir;
    private final int keepLast;

    public Checkpoints(Path outDir, int keepLast) {
        this.runDir = outDir;
        this.keepLast = keepLast;
    }

    /** Checkpoint folders, oldest first. */
    public List<Path> list() throws IOException {
        return CheckpointInfo.ofRun(runDir).stream().map(CheckpointInfo::dir).toList();
    }

    /** The newest checkpoint, if any. */
    public Optional<Path> latest() throws IOException {
        return CheckpointInfo.latest(runDir).map(CheckpointInfo::dir);
    }

    /** The step a checkpoint folder holds. */
    public static long step(Path checkpoint) {
        return Checkpoint.step(checkpoint);
    }

    /** Writes a checkpoint for {@code step} atomically, then prunes to keep-last-N; returns its folder. */
    public Path write(long step, PairList<String, Parameter> params, AdamW optimizer, String provenanceJson)
            throws IOException {
        return Checkpoint.write(runDir, step, params, optimizer::save, provenanceJson, keepLast);
    }
}
