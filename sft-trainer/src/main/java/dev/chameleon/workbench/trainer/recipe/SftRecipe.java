package dev.chameleon.workbench.trainer.recipe;

import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.render.ChatRenderer;
import dev.chameleon.workbench.trainer.render.GuidanceRows;
import dev.chameleon.workbench.trainer.render.ImageSource;
import dev.chameleon.workbench.trainer.render.RenderOptions;
import dev.chameleon.workbench.trainer.render.RenderedExample;
import dev.chameleon.workbench.trainer.render.SnapshotExamples;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import dev.chameleon.workbench.trainer.tokens.image.VqImageTokenizer;
import dev.chameleon.workbench.trainer.train.Provenance;
import dev.chameleon.workbench.trainer.train.SftRun;
import dev.chameleon.workbench.trainer.train.TrainConfig;


import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The SFT set-up of a run config, top to bottom: render the snapshot's examples with the run's tokenizers, add the
 * guidance rows, copy the tokenizers into {@code OUT/tokenizers/} (so the run folder alone is enough for
 * generation), record the provenance, then train ({@link SftRun}).
 */
public final class SftRecipe {

    private SftRecipe() {
    }

    /**
     * Trains as {@code c} says with its tokenizers, already loaded; progress lines go to {@code console}.
     *
     * @param resume continue from the newest checkpoint in out_dir (a fresh start if none)
     */
    public static SftRun.Result run(TrainConfig c, TextTokenizer text, ImageTokenizer image, boolean resume,
            PrintWriter console) throws IOException {
        Path snapshot = Path.of(c.snapshot());
        Path textFile = Path.of(c.textTokenizer());
        ModelConfig model = model(c, text);
        Rendered rendered = render(c, text, image, n -> console.printf("\rencoding images: %d", n));
        console.println();
        List<RenderedExample> examples = rendered.examples();
        console.printf("rendered %d examples from %s (%d of them guidance rows); model %,d parameters%n",
                examples.size(), snapshot, rendered.guidanceRows(), model.parameterCount());
        Map<String, Path> tokenizerFiles = new LinkedHashMap<>();
        tokenizerFiles.put("text:" + textFile.getFileName(), textFile);
        Path imageFile = imageTokenizerFile(c);
        tokenizerFiles.put("image:" + imageFile.getFileName(), imageFile);
        copyTokenizers(Path.of(c.outDir()), textFile, imageFile);
        Provenance provenance = Provenance.of(c, model, snapshot, tokenizerFiles);
        VocabularyLayout layout = text.layout();
        int[] imageRows = {layout.imageCodeStart(), layout.imageCodeStart() + layout.codebookSize()};
        return SftRun.run(c, model, examples, layout.pad(), imageRows, provenance, resume, console, null);
    }

    /**
     * The examples a run trains on, in the order its window stream indexes them: the snapshot's examples rendered
     * with the run's tokenizers, then the guidance rows.
     *
     * @param examples     every rendered example, guidance rows last
     * @param guidanceRows how many of them, at the end, are guidance rows
     */
    public record Rendered(List<RenderedExample> examples, int guidanceRows) {
    }

    /**
     * Renders the snapshot of {@code c} as its run does (the one place that does it, so an export of the run's data
     * draws what the run draws).
     *
     * @param imagesEncoded called with the number of images encoded so far
     */
    public static Rendered render(TrainConfig c, TextTokenizer text, ImageTokenizer image, IntConsumer imagesEncoded)
            throws IOException {
        Path snapshot = Path.of(c.snapshot());
        ChatRenderer renderer = new ChatRenderer(text, image, ImageSource.snapshot(snapshot), RenderOptions.PLAIN);
        List<Example> raw = new ArrayList<>();
        SnapshotExamples.forEach(snapshot, raw::add);
        List<RenderedExample> examples = renderer.renderAll(raw, 64, imagesEncoded);
        List<RenderedExample> guidance = GuidanceRows.rows(raw, examples, renderer, c.seed());
        List<RenderedExample> all = new ArrayList<>(examples);
        all.addAll(guidance);
        return new Rendered(List.copyOf(all), guidance.size());
    }

    /**
     * The model config a run of {@code c} trains: its preset with the run's dropout, z-loss and the vocabulary's size,
     * or, with {@code init_from}, the base checkpoint's shape (whose vocabulary the tokenizer must match).
     */
    public static ModelConfig model(TrainConfig c, TextTokenizer text) {
        if (c.initFrom() == null) {
            return c.withTraining(c.resolveModel().withVocabSize(text.layout().size()));
        }
        ModelConfig model = c.resolveModel();                                   // the base checkpoint's own shape
        if (model.vocabSize() != text.layout().size()) {
            throw new IllegalArgumentException("init_from " + c.initFrom() + " has a vocabulary of " + model.vocabSize()
                    + " ids but text_tokenizer " + c.textTokenizer() + " has " + text.layout().size()
                    + "; use the tokenizer.json that came with the checkpoint");
        }
        return model;
    }

    /** The image tokenizer's checkpoint file a config names (its folder's {@value VqImageTokenizer#CHECKPOINT}). */
    public static Path imageTokenizerFile(TrainConfig c) {
        Path imageFile = Path.of(c.imageTokenizer());
        return Files.isDirectory(imageFile) ? imageFile.resolve(VqImageTokenizer.CHECKPOINT) : imageFile;
    }

    /**
     * Copies the run's tokenizers into {@code OUT/tokenizers/} (text: its tokenizer.json under its own name; image:
     * the VQ checkpoint under {@code image/}) so a run folder is self-contained: generation looks there first
     * and checks the copies against the SHA-256 every checkpoint's provenance records.
     */
    public static void copyTokenizers(Path outDir, Path textFile, Path imageFile) throws IOException {
        Path dir = outDir.resolve("tokenizers");
        if (Files.isRegularFile(textFile)) {
            Files.createDirectories(dir);
            Files.copy(textFile, dir.resolve(textFile.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.isRegularFile(imageFile)) {
            Files.createDirectories(dir.resolve("image"));
            Files.copy(imageFile, dir.resolve("image").resolve(imageFile.getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
