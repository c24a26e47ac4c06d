package dev.chameleon.workbench.web.generation;

import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/** Fake run folders for the checkpoint pickers: empty model.bin files, not loadable models. */
public final class Checkpoints {

    private Checkpoints() {
    }

    /** {@code root/runs/RUN/checkpoints/step-NNNNNNNN/model.bin}, dated {@code secondsAgo} back. */
    public static Path write(Path root, String run, long step, long secondsAgo) throws IOException {
        Path dir = Checkpoint.folder(root.resolve("runs").resolve(run)).resolve(String.format("step-%08d", step));
        Files.createDirectories(dir);
        Path model = dir.resolve(Checkpoint.MODEL);
        Files.write(model, new byte[]{0});
        Files.setLastModifiedTime(model, FileTime.from(Instant.now().minusSeconds(secondsAgo)));
        return dir;
    }
}
