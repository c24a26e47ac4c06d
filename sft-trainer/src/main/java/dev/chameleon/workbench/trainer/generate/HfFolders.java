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

    /**
     * The release's full VQGAN in {@code dir}: {vqgan.ckpt, vqgan.yaml} under {@code tokenizer/} (the layout of the
     * original Chameleon download) or beside config.json.
     */
    public static Optional<Path[]> releaseVqgan(Path dir) {
        for (Path base : new Path[] {dir.resolve("tokenizer"), dir}) {
            Path ckpt = base.resolve("vqgan.ckpt");
            Path yaml = base.resolve("vqgan.yaml");
            if (Files.isRegularFile(ckpt) && Files.isRegularFile(yaml)) {
                return Optional.of(new Path[] {ckpt, yaml});
            }
        }
        return Optional.empty();
    }

    /** The image tokenizer file of {@code dir}, when it has one. */
    public static Optional<Path> imageTokenizer(Path dir) {
        Path p = dir.resolve(IMAGE_TOKENIZER);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }
}
