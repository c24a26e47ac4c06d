package dev.chameleon.workbench.trainer.hf;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A Hugging Face {@code config.json} that cannot describe a Chameleon model: unreadable, not JSON, a field of the
 * wrong type or an impossible value. The message names the file, the field and the fix.
 */
public class InvalidHfConfigException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String field;

    InvalidHfConfigException(Path file, String field, String problem) {
        super(file + ": " + (field.isEmpty() ? "" : "field '" + field + "' ") + problem);
        this.file = file;
        this.field = field;
    }

    /** The file that was refused. */
    public Path file() {
        return file;
    }

    /** The JSON path of the refused field ({@code vq_config.resolution}), or empty for the file as a whole. */
    public String field() {
        return field;
    }
}
