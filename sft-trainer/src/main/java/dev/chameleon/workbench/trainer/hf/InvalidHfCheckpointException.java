package dev.chameleon.workbench.trainer.hf;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A Hugging Face checkpoint folder whose weights do not fit the model its config.json describes: a missing or extra
 * tensor, a wrong shape, a feature our model cannot hold. The message names the file, the tensor and the fix.
 */
public class InvalidHfCheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public InvalidHfCheckpointException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The file or folder that was refused. */
    public Path file() {
        return file;
    }
}
