package dev.chameleon.workbench.trainer.hf.vq;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A released image tokenizer that cannot be loaded: a YAML or config.json setting our VQ model cannot follow, or
 * a weight that is missing, misshapen or unexpected. The message names the file, the key and the fix, e.g.
 * {@code vqgan.ckpt: weight 'encoder.conv_in.weight' has shape [64, 3, 3, 3], vqgan.yaml (ch: 32) needs
 * [32, 3, 3, 3]: ...}.
 */
public final class InvalidVqTokenizerException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String key;

    InvalidVqTokenizerException(Path file, String key, String problem) {
        super(file + ": " + (key.isEmpty() ? "" : "'" + key + "' ") + problem);
        this.file = file;
        this.key = key;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The setting ({@code model.params.ddconfig.ch}) or weight key at fault; empty for the file as a whole. */
    public String key() {
        return key;
    }
}
