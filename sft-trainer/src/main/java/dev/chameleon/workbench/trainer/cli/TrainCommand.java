package dev.chameleon.workbench.trainer.cli;

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
import dev.chameleon.workbench.trainer.train.Provenance;
import dev.chameleon.workbench.trainer.train.SftRun;
import dev.chameleon.workbench.trainer.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code train --config FILE [--resume]}: renders the snapshot's examples with the run's tokenizers and runs the
 * SFT recipe ({@link SftRun}). Progress lines go to standard error; metrics to OUT/metrics.jsonl; the tokenizers are
 * copied to OUT/tokenizers/ first, so the run folder alone is enough for {@code generate}.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Supervised fine-tuning of a Chameleon-style model on a snapshot, as a run "
        + "config (configs/recipes/*.yaml) says; metrics to OUT/metrics.jsonl, checkpoints to OUT/checkpoints.")
final class TrainCommand implements Callable<Integer> {

    @ParentCommand
    SftTrainerMain root;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "A run config (YAML).")
    Path config;

    @Option(names = "--resume", description = "Continue from the newest checkpoint in the run's out_dir.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        TrainConfig c = TrainConfig.load(config);
        Path snapshot = Path.of(c.snapshot());
        Path textFile = Path.of(c.textTokenizer());
        TextTokenizer text = root.toolkit.loadTextTokenizer(textFile);
        try (ImageTokenizer image = root.toolkit.loadImageTokenizer(Path.of(c.imageTokenizer()))) {
            ModelConfig model = c.withTraining(c.resolveModel().withVocabSize(text.layout().size()));
            ChatRenderer renderer = new ChatRenderer(text, image, ImageSource.snapshot(snapshot), RenderOptions.PLAIN);
            List<Example> raw = new ArrayList<>();
            SnapshotExamples.forEach(snapshot, raw::add);
            List<RenderedExample> examples = renderer.renderAll(raw, 64,
                    n -> root.err.printf("\rencoding images: %d", n));
            root.err.println();
            List<RenderedExample> guidance = GuidanceRows.rows(raw, examples, renderer, c.seed());
            examples = new ArrayList<>(examples);
            examples.addAll(guidance);
            root.err.printf("rendered %d examples from %s (%d of them guidance rows); model %,d parameters%n",
                    examples.size(), snapshot, guidance.size(), model.parameterCount());
            Map<String, Path> tokenizerFiles = new LinkedHashMap<>();
            tokenizerFiles.put("text:" + textFile.getFileName(), textFile);
            Path imageFile = Path.of(c.imageTokenizer());
            if (Files.isDirectory(imageFile)) {
                imageFile = imageFile.resolve(RealToolkit.CHECKPOINT);
            }
            tokenizerFiles.put("image:" + imageFile.getFileName(), imageFile);
            copyTokenizers(Path.of(c.outDir()), textFile, imageFile);
            Provenance provenance = Provenance.of(c, model, snapshot, tokenizerFiles);
            SftRun.Result r = SftRun.run(c, model, examples, text.layout().pad(), provenance, resume, root.err, null);
            root.out.printf("trained steps %d..%d; checkpoints: %s%n", r.startStep() + 1,
                    r.startStep() + r.stepsRun(), r.checkpoints());
        }
        return 0;
    }

    /**
     * Copies the run's tokenizers into {@code OUT/tokenizers/} (text: its tokenizer.json under its own name; image:
     * the VQ checkpoint under {@code image/}) so a run folder is self-contained: {@code generate} looks there first
     * and checks the copies against the SHA-256 every checkpoint's provenance records.
     */
    static void copyTokenizers(Path outDir, Path textFile, Path imageFile) throws IOException {
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
