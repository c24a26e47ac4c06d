package dev.chameleon.workbench.trainer.hf.safetensors;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file, or a sharded checkpoint's index, that breaks the format. The message names the file, the
 * part (a tensor, the header, the index) and what is wrong, e.g.
 * {@code model.safetensors: tensor 'lm_head.weight': data_offsets [0, 12] hold 12 bytes but shape [2, 3] of F32
 * needs 24}.
 */
public class InvalidSafetensorsException extends IOException {

    private final Path file;
    private final String part;

    InvalidSafetensorsException(Path file, String part, String problem) {
        super(file + ": " + part + ": " + problem);
        this.file = file;
        this.part = part;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The part at fault: {@code header}, {@code tensor 'NAME'}, {@code index} and the like. */
    public String part() {
        return part;
    }

    static String tensorPart(String name) {
        return "tensor '" + name + "'";
    }
}
