package dev.chameleon.workbench.trainer.generate;

import dev.chameleon.workbench.trainer.tokens.text.ByteTokenizer;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.render.Fakes;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.train.AdamW;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Synthetic fixtures (generated here, not real data): the byte-per-token fake text tokenizer, the fake image
 * tokenizer (N codes from a codebook of 16), a tiny randomly initialised model over their vocabulary, and
 * checkpoints written exactly as the trainer writes them.
 */
public final class GenFixtures {

    public static final int CODEBOOK = 16;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private GenFixtures() {
    }

    public static TextTokenizer text() {
        return ByteTokenizer.smallest(CODEBOOK, 4);
    }

    public static ImageTokenizer image(int n) {
        return new Fakes.CodeTokenizer(n, CODEBOOK);
    }

    /** Two layers, GQA (4 query heads over 2 kv heads), the fake vocabulary, context {@code context}. */
    public static ModelConfig model(int context) {
        return ModelConfig.of(text().layout().size(), 32, 2, 4, 2, 64, context);
    }

    public static Generator untrained(int n, int context, long seed) {
        return Generator.untrained(model(context), seed, text(), image(n));
    }

    /**
     * A run folder {@code run} with one checkpoint (step 3) of the model initialised from {@code seed}, in
     * the layout {@code train} writes: model.bin, optimizer.bin (Checkpoint), provenance.json with the keys generate reads (tokenizer hashes, resolved_config),
     * and the copies under run/tokenizers/ (written when {@code copies}).
     */
    public static Path writeRun(Path run, ModelConfig model, long seed, boolean copies) throws Exception {
        Path textFile = run.resolveSibling(run.getFileName() + "-src").resolve("tokenizer.json");
        Path imageDir = textFile.resolveSibling("vq");
        Files.createDirectories(imageDir);
        Files.writeString(textFile, "{\"fake\": \"byte tokenizer\"}");
        Files.writeString(imageDir.resolve("image-tokenizer.ckpt"), "fake vq");
        return writeRun(run, model, seed, copies, textFile, imageDir);
    }

    /** As above over real tokenizer files: a tokenizer.json and a folder holding image-tokenizer.ckpt. */
    public static Path writeRun(Path run, ModelConfig model, long seed, boolean copies, Path textFile, Path imageDir)
            throws Exception {
        Map<String, Object> train = new LinkedHashMap<>();
        train.put("text_tokenizer", textFile.toString());
        train.put("image_tokenizer", imageDir.toString());
        train.put("out_dir", run.toString());
        Map<String, Object> resolved = new LinkedHashMap<>();
        resolved.put("train", train);
        resolved.put("model", model);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("step", 3);
        provenance.put("tokenizers", Map.of("text:tokenizer.json", ModelFiles.sha256(textFile),
                "image:image-tokenizer.ckpt", ModelFiles.sha256(imageDir.resolve("image-tokenizer.ckpt"))));
        provenance.put("resolved_config", YAML.writeValueAsString(resolved));
        String json = new ObjectMapper().writeValueAsString(provenance);
        if (copies) {
            Files.createDirectories(run.resolve("tokenizers/image"));
            Files.copy(textFile, run.resolve("tokenizers/tokenizer.json"));
            Files.copy(imageDir.resolve("image-tokenizer.ckpt"), run.resolve("tokenizers/image/image-tokenizer.ckpt"));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) seed);
            ChameleonModel net = new ChameleonModel(model);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 8));
            AdamW opt = new AdamW(net.getParameters(), m, 0.9, 0.95, 1e-5, 0.1, false);
            Checkpoint.write(run, 3, net.getParameters(), opt::save, json, 1);
        }
        return run;
    }

    /** A loader that opens the fakes for any existing file (N codes per image). */
    public static TokenizerLoader fakeLoader(int n) {
        return new TokenizerLoader() {
            @Override
            public TextTokenizer text(Path file) {
                return GenFixtures.text();
            }

            @Override
            public ImageTokenizer image(Path file) {
                return GenFixtures.image(n);
            }
        };
    }
}
