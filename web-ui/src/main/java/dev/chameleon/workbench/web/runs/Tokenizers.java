package dev.chameleon.workbench.web.runs;

import dev.chameleon.workbench.trainer.config.ConfigLoader;
import dev.chameleon.workbench.trainer.config.TokenizerRecipe;
import dev.chameleon.workbench.trainer.tokens.image.VqConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The workspace's tokenizers, {@code WORKSPACE/tokenizers/text/tokenizer.json} and {@code tokenizers/image/}: where
 * they are, and training them before a workspace's first run, on that run's snapshot, with the settings of a
 * tokenizer preset ({@code configs/tokenizers}). Each is trained into a {@code .partial} path and moved into place
 * when done, so a crash never leaves a half tokenizer that later runs would use.
 */
final class Tokenizers {

    /** Runs one trainer command of a run (arguments after the jar) and returns its exit code. */
    @FunctionalInterface
    interface Child {
        int run(List<String> args) throws IOException, InterruptedException;
    }

    private final Path dir;
    private final String preset;
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * @param dir    the workspace's tokenizers folder
     * @param preset a tokenizer preset name under configs/tokenizers, or a YAML file path
     */
    Tokenizers(Path dir, String preset) {
        this.dir = dir;
        this.preset = preset;
    }

    Path dir() {
        return dir;
    }

    String preset() {
        return preset;
    }

    Path text() {
        return dir.resolve("text").resolve("tokenizer.json");
    }

    Path image() {
        return dir.resolve("image");
    }

    boolean present() {
        return Files.isRegularFile(text()) && Files.isDirectory(image());
    }

    /** The tokenizer preset new workspaces get their tokenizers from. */
    TokenizerRecipe recipe() {
        if (preset.endsWith(".yaml") || preset.endsWith(".yml")) {
            return ConfigLoader.load(Path.of(preset), TokenizerRecipe.class);
        }
        return ConfigLoader.preset("tokenizers", preset, TokenizerRecipe.class);
    }

    /** Trains the missing tokenizers on {@code run}'s snapshot with {@code child}; one run at a time does this. */
    void prepare(Run run, Child child) throws IOException, InterruptedException, StepFailed {
        lock.lockInterruptibly();
        try {
            Path text = text();
            Path image = image();
            if (Files.isRegularFile(text) && Files.isDirectory(image)) {
                return;
            }
            TokenizerRecipe recipe = recipe();
            VqConfig vq = VqConfig.preset(recipe.imageConfig());
            Path snapshot = Path.of(run.status.snapshot());
            Files.createDirectories(text.getParent());
            if (!Files.isRegularFile(text)) {
                RunFolder.appendLog(run, "== training the text tokenizer (" + recipe.textVocabSize() + " ids, "
                        + vq.codebookSize() + " image codes) into " + text + " ==");
                Path partial = text.resolveSibling("tokenizer.json.partial");
                int code = child.run(List.of("train-text-tokenizer", "--input", snapshot.toString(),
                        "--vocab-size", Integer.toString(recipe.textVocabSize()),
                        "--codebook-size", Integer.toString(vq.codebookSize()), "--out", partial.toString()));
                if (code != 0) {
                    throw new StepFailed("Training the text tokenizer", code, false);
                }
                Files.move(partial, text, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            if (!Files.isDirectory(image)) {
                Path images = snapshot.resolve("images");
                if (!hasFiles(images)) {
                    throw new IllegalStateException("The snapshot " + snapshot + " has no images to train the image "
                            + "tokenizer on; launch the first run from a dataset with images (the demo dataset has), "
                            + "or put an image tokenizer in " + image);
                }
                RunFolder.appendLog(run, "== training the image tokenizer (VQ preset " + recipe.imageConfig() + ", "
                        + recipe.imageSteps() + " steps) into " + image + " ==");
                Path partial = image.resolveSibling("image.partial");
                int code = child.run(List.of("train-image-tokenizer", "--images", images.toString(),
                        "--config", recipe.imageConfig(), "--out", partial.toString(),
                        "--steps", Integer.toString(recipe.imageSteps()),
                        "--batch-size", Integer.toString(recipe.imageBatchSize()),
                        "--lr", Double.toString(recipe.imageLr())));
                if (code != 0) {
                    throw new StepFailed("Training the image tokenizer", code, false);
                }
                Files.move(partial, image, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            lock.unlock();
        }
    }

    private static boolean hasFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(Files::isRegularFile);
        }
    }
}
