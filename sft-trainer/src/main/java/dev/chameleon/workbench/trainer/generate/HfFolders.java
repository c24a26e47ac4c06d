package dev.chameleon.workbench.trainer.generate;

import dev.chameleon.workbench.trainer.tokens.image.VqImageTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the workbench keeps its own files inside a checkpoint folder of the Hugging Face layout. */
public final class HfFolders {

    /** Our image tokenizer, copied beside config.json by the export; transformers ignores the file. */
    public static final String IMAGE_TOKENIZER = VqImageTokenizer.CHECKPOINT;

    private HfFolders() {
    }

    /** The image tokenizer file of {@code dir}, when it has one. */
    public static Optional<Path> imageTokenizer(Path dir) {
        Path p = dir.resolve(IMAGE_TOKENIZER);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }
}
