package dev.chameleon.workbench.trainer.generate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.image.VqImageTokenizer;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import dev.chameleon.workbench.trainer.checkpoint.CheckpointInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the parts of a trained model are: the step folder, its model config (from provenance.json's resolved_config),
 * and its tokenizer files, found in the run folder's {@code tokenizers/} copy first, then at the paths the run
 * config named, and checked against the SHA-256 the checkpoint recorded.
 *
 * <pre>
 * RUN/                              a run folder (train's out_dir)
 *   tokenizers/tokenizer.json       copy of the text tokenizer, made when training starts
 *   tokenizers/image/image-tokenizer.ckpt   copy of the image tokenizer folder
 *   checkpoints/step-00000200/      model.bin, optimizer.bin, provenance.json
 * </pre>
 */
public record ModelFiles(Path checkpoint, ModelConfig model, Path textTokenizer, Path imageTokenizer) {

    private static final String MODEL = Checkpoint.MODEL;
    private static final String PROVENANCE = Checkpoint.PROVENANCE;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Finds and checks the parts of the checkpoint at {@code dir} (a step-N folder or a run folder). */
    public static ModelFiles resolve(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            throw new GenerationException("checkpoint " + dir + " does not exist; give a step-N folder (RUN/checkpoints/"
                    + "step-N) or a run folder, as written by `train --config FILE`");
        }
        Path ckpt = stepFolder(dir);
        Path provenanceFile = ckpt.resolve(PROVENANCE);
        if (!Files.isRegularFile(ckpt.resolve(MODEL)) || !Files.isRegularFile(provenanceFile)) {
            throw new GenerationException("checkpoint " + ckpt + " is incomplete: it needs " + MODEL + " and "
                    + PROVENANCE + "; use a checkpoint written by `train` (an unfinished one is named .tmp-step-N)");
        }
        JsonNode provenance;
        JsonNode resolved;
        try {
            provenance = JSON.readTree(Checkpoint.readProvenance(ckpt));
            resolved = YAML.readTree(provenance.path("resolved_config").asText(""));
        } catch (IOException e) {
            throw new GenerationException(provenanceFile + " cannot be read (" + e.getMessage()
                    + "); the checkpoint is damaged, use another one", e);
        }
        if (resolved == null || !resolved.has("model")) {
            throw new GenerationException(provenanceFile + " has no resolved_config.model; the checkpoint was not"
                    + " written by this trainer, use one that was");
        }
        ModelConfig model;
        try {
            model = YAML.treeToValue(resolved.get("model"), ModelConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new GenerationException(provenanceFile + ": its model config cannot be used (" + e.getMessage()
                    + "); the checkpoint is damaged or from another version", e);
        }
        JsonNode train = resolved.path("train");
        Map<String, String> hashes = new java.util.TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = provenance.path("tokenizers").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            hashes.put(e.getKey(), e.getValue().asText());
        }
        Path run = ckpt.toAbsolutePath().getParent() != null
                && ckpt.toAbsolutePath().getParent().getFileName().toString().equals("checkpoints")
                ? ckpt.toAbsolutePath().getParent().getParent() : null;
        Path text = tokenizer("text", ckpt, hashes, run == null ? null : run.resolve("tokenizers"),
                train.path("text_tokenizer").asText(null), false);
        Path image = tokenizer("image", ckpt, hashes, run == null ? null : run.resolve("tokenizers").resolve("image"),
                train.path("image_tokenizer").asText(null), true);
        return new ModelFiles(ckpt, model, text, image);
    }

    /** Opens the text tokenizer with {@code tokenizers}; a failure says which file and what to use instead. */
    public TextTokenizer textTokenizer(TokenizerLoader tokenizers) {
        try {
            return tokenizers.text(textTokenizer);
        } catch (IOException | RuntimeException e) {
            throw new GenerationException("the text tokenizer " + textTokenizer + " cannot be loaded ("
                    + e.getMessage() + "); use the tokenizer.json the run was trained with", e);
        }
    }

    /** The step folder itself, or the newest step-N under RUN/checkpoints or directly under {@code dir}. */
    private static Path stepFolder(Path dir) {
        if (Files.isRegularFile(dir.resolve(MODEL)) || Files.isRegularFile(dir.resolve(PROVENANCE))) {
            return dir;
        }
        try {
            Optional<CheckpointInfo> latest = CheckpointInfo.latest(dir);
            if (latest.isPresent()) {
                return latest.get().dir();
            }
            try (Stream<Path> s = Files.list(dir)) {
                Optional<Path> direct = s.filter(p -> p.getFileName().toString().matches("step-\\d+")
                        && Files.isDirectory(p)).max(java.util.Comparator.comparingLong(Checkpoint::step));
                if (direct.isPresent()) {
                    return direct.get();
                }
            }
        } catch (IOException e) {
            throw new GenerationException("checkpoint folder " + dir + " cannot be listed (" + e.getMessage() + ")", e);
        }
        throw new GenerationException("no checkpoint in " + dir + ": expected a step-N folder holding " + MODEL
                + ", or a run folder with checkpoints/step-N; train one with `train --config FILE`");
    }

    /**
     * The tokenizer file of one kind: the run's copy, else the configured path; its SHA-256 must equal the one the
     * checkpoint recorded (when it recorded one).
     */
    private static Path tokenizer(String kind, Path ckpt, Map<String, String> hashes, Path runCopyDir,
            String configured, boolean imageFolder) {
        String key = null;
        for (String k : hashes.keySet()) {
            if (k.startsWith(kind + ":")) {
                key = k;
            }
        }
        String name = key != null ? key.substring(kind.length() + 1)
                : imageFolder ? VqImageTokenizer.CHECKPOINT : "tokenizer.json";
        List<Path> candidates = new ArrayList<>();
        if (runCopyDir != null) {
            candidates.add(runCopyDir.resolve(name));
        }
        if (configured != null && !configured.isBlank() && !configured.equals("none")) {
            Path p = Path.of(configured);
            candidates.add(imageFolder && (Files.isDirectory(p) || !p.getFileName().toString().contains("."))
                    ? p.resolve(name) : p);
        }
        Path found = candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
        if (found == null) {
            throw new GenerationException("the " + kind + " tokenizer of checkpoint " + ckpt + " is missing: looked at "
                    + candidates + "; copy the tokenizer the run was trained with to "
                    + (candidates.isEmpty() ? "RUN/tokenizers/" : candidates.get(0)));
        }
        String expected = key == null ? null : hashes.get(key);
        if (expected != null && expected.matches("[0-9a-f]{64}")) {
            String actual = sha256(found);
            if (!actual.equals(expected)) {
                throw new GenerationException("the " + kind + " tokenizer " + found + " is not the one checkpoint "
                        + ckpt + " was trained with (SHA-256 " + actual.substring(0, 12) + "..., the checkpoint recorded "
                        + expected.substring(0, 12) + "...); use the run's own copy in RUN/tokenizers/ or the file "
                        + "the run config named");
            }
        }
        return found;
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new GenerationException(file + " cannot be read (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
