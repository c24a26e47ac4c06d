package dev.chameleon.workbench.trainer.finetune;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import dev.chameleon.workbench.trainer.checkpoint.CheckpointInfo;
import dev.chameleon.workbench.trainer.config.InvalidValueException;
import dev.chameleon.workbench.trainer.hf.HfCheckpoint;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.LoraConfig;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The weights a run starts from ({@code init_from}): a folder in the Hugging Face layout ({@link HfCheckpoint}) or one
 * of our checkpoints (a step-N folder, or a run folder for its newest). Its shape is the run's model shape.
 *
 * <p>Our checkpoints come whole or partial. A partial one (written by a LoRA or image-head run) holds in
 * {@code model.bin} only the parameters that trained, and in {@code provenance.json} a {@code base} entry naming the
 * weights it started from; {@link #loadCheckpoint} loads that base first, then the saved parameters over it by name,
 * and the caller merges LoRA adapters when it wants plain weights.
 *
 * <pre>
 *   provenance.json "base": {"init_from": PATH, "kind": "hugging_face" | "checkpoint",
 *                            "config_sha256": SHA-256 of config.json (or of the checkpoint's provenance.json),
 *                            "step": N (ours only)}
 * </pre>
 *
 * @param dir          the folder: the Hugging Face folder, or the step-N folder
 * @param kind         which of the two
 * @param model        its shape (dropout and z-loss as recorded there; the run sets its own)
 * @param configSha256 SHA-256 of its config.json (Hugging Face) or provenance.json (ours): what the run started from
 * @param step         the step of our checkpoint; -1 for a Hugging Face folder
 */
public record BaseModel(Path dir, Kind kind, ModelConfig model, String configSha256, long step) {

    /** Where the base weights come from. */
    public enum Kind {
        HUGGING_FACE, CHECKPOINT;

        String wireName() {
            return this == HUGGING_FACE ? "hugging_face" : "checkpoint";
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * Finds the base {@code initFrom} names and reads its shape (nothing is loaded yet).
     *
     * @throws InvalidValueException naming {@code init_from} when the folder is missing or is neither layout
     */
    public static BaseModel resolve(String initFrom) {
        Path dir = Path.of(initFrom);
        if (!Files.isDirectory(dir)) {
            throw new InvalidValueException("init_from", "init_from " + initFrom + " does not exist; give a Hugging"
                    + " Face Chameleon folder (config.json + safetensors) or one of our checkpoints (RUN/checkpoints/"
                    + "step-N, or the run folder)");
        }
        try {
            if (HfCheckpoint.isHfFolder(dir)) {
                try (HfCheckpoint hf = HfCheckpoint.open(dir)) {
                    return new BaseModel(dir, Kind.HUGGING_FACE, hf.modelConfig(),
                            sha256(dir.resolve(HfCheckpoint.CONFIG)), -1);
                }
            }
            Path step = stepFolder(dir).orElseThrow(() -> new InvalidValueException("init_from", "init_from " + dir
                    + " is neither a Hugging Face folder (config.json beside model.safetensors or its index) nor one"
                    + " of our checkpoints (a step-N folder holding " + Checkpoint.MODEL + ", or a run folder with"
                    + " checkpoints/step-N)"));
            Recorded r = Recorded.read(step);
            return new BaseModel(step, Kind.CHECKPOINT, r.model, sha256(step.resolve(Checkpoint.PROVENANCE)),
                    Checkpoint.step(step));
        } catch (IOException e) {
            throw new InvalidValueException("init_from", "init_from " + initFrom + " cannot be read ("
                    + e.getMessage() + "); point it at a complete checkpoint");
        }
    }

    /**
     * This base's shape, checked against the {@code named} model preset ({@code modelKey} is what the config wrote);
     * null {@code named} accepts the base's shape as it is.
     *
     * @throws InvalidValueException naming {@code model} when the two shapes differ
     */
    public ModelConfig checkAgainst(ModelConfig named, String modelKey) {
        if (named == null) {
            return model;
        }
        List<String> diff = shapeDifferences(named, model);
        if (!diff.isEmpty()) {
            throw new InvalidValueException("model", "model '" + modelKey + "' describes another shape than init_from "
                    + dir + " (" + String.join(", ", diff) + "); remove model to take the checkpoint's shape, or name"
                    + " a preset of that shape");
        }
        return model;
    }

    /** The shape fields in which {@code a} and {@code b} differ, as "field a vs b" (context length and dropout aside). */
    static List<String> shapeDifferences(ModelConfig a, ModelConfig b) {
        List<String> out = new ArrayList<>();
        diff(out, "vocab_size", a.vocabSize(), b.vocabSize());
        diff(out, "hidden", a.hidden(), b.hidden());
        diff(out, "layers", a.layers(), b.layers());
        diff(out, "heads", a.heads(), b.heads());
        diff(out, "kv_heads", a.kvHeads(), b.kvHeads());
        diff(out, "ffn_hidden", a.ffnHidden(), b.ffnHidden());
        diff(out, "rope_theta", a.ropeTheta(), b.ropeTheta());
        diff(out, "rms_eps", a.rmsEps(), b.rmsEps());
        diff(out, "qk_norm", a.qkNorm(), b.qkNorm());
        diff(out, "norm_reordering", a.normReordering(), b.normReordering());
        diff(out, "tied_embeddings", a.tiedEmbeddings(), b.tiedEmbeddings());
        return out;
    }

    private static void diff(List<String> out, String field, Object a, Object b) {
        if (!a.equals(b)) {
            out.add(field + " " + a + " vs " + b);
        }
    }

    /**
     * Loads these weights into the base parameters of {@code net} (built with this shape; its LoRA adapters, if
     * any, are left as they are).
     */
    public void loadInto(ChameleonModel net) throws IOException {
        if (kind == Kind.HUGGING_FACE) {
            try (HfCheckpoint hf = HfCheckpoint.open(dir)) {
                hf.loadInto(net, null);
            }
            return;
        }
        Recorded r = Recorded.read(dir);
        if (r.lora != null) {
            throw new InvalidValueException("init_from", "init_from " + dir + " is a LoRA checkpoint (adapters"
                    + " only); a run cannot start from unmerged adapters: export it merged to the Hugging Face layout"
                    + " (export-hf) and start from that folder, or resume its own run");
        }
        loadCheckpoint(dir, net);
    }

    /**
     * Loads our checkpoint {@code step} (a step-N folder) into {@code net}: a whole one directly, a partial one over
     * its base. {@code net} must have the LoRA adapters the checkpoint was trained with, if any; they are loaded,
     * not merged.
     */
    public static void loadCheckpoint(Path step, ChameleonModel net) throws IOException {
        Recorded r = Recorded.read(step);
        if (r.base == null) {
            Checkpoint.readModel(step, net.baseParameters());
            return;
        }
        resolve(r.base).loadInto(net);
        Checkpoint.readNamed(step, net.getParameters());
    }

    /**
     * Our checkpoint {@code step} as one plain model of shape {@code model} on {@code manager}: a whole checkpoint as
     * it is, a partial one over its base, LoRA adapters merged into the weights ({@code W + (alpha / r) B A}).
     */
    public static ChameleonModel loadMerged(Path step, ModelConfig model, NDManager manager) throws IOException {
        ChameleonModel net = new ChameleonModel(model, loraOf(step).orElse(null));
        net.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);          // every weight is read next
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 8));
        loadCheckpoint(step, net);
        net.mergeLora();
        return net;
    }

    /** The LoRA settings of the run that wrote our checkpoint {@code step}, if it trained adapters. */
    public static Optional<LoraConfig> loraOf(Path step) throws IOException {
        return Optional.ofNullable(Recorded.read(step).lora);
    }

    /** The {@code base} entry for provenance.json. */
    public Map<String, Object> provenance() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("init_from", dir.toAbsolutePath().normalize().toString());
        out.put("kind", kind.wireName());
        out.put("config_sha256", configSha256);
        if (step >= 0) {
            out.put("step", step);
        }
        return out;
    }

    /** The step folder itself, or a run folder's newest step-N. */
    private static Optional<Path> stepFolder(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve(Checkpoint.MODEL)) && Files.isRegularFile(dir.resolve(Checkpoint.PROVENANCE))) {
            return Optional.of(dir);
        }
        return CheckpointInfo.latest(dir).filter(CheckpointInfo::complete).map(CheckpointInfo::dir);
    }

    /** What our checkpoint's provenance.json records: its model shape, LoRA settings and base. */
    private record Recorded(ModelConfig model, LoraConfig lora, String base) {

        static Recorded read(Path step) throws IOException {
            Path file = step.resolve(Checkpoint.PROVENANCE);
            JsonNode provenance;
            JsonNode resolved;
            try {
                provenance = JSON.readTree(Checkpoint.readProvenance(step));
                resolved = YAML.readTree(provenance.path("resolved_config").asText(""));
            } catch (IOException e) {
                throw new IOException(file + " cannot be read (" + e.getMessage() + ")", e);
            }
            if (resolved == null || !resolved.has("model")) {
                throw new IOException(file + " has no resolved_config.model; the checkpoint was not written by this"
                        + " trainer");
            }
            try {
                ModelConfig model = YAML.treeToValue(resolved.get("model"), ModelConfig.class);
                JsonNode lora = resolved.path("train").path("lora");
                LoraConfig l = lora.isObject() ? YAML.treeToValue(lora, LoraConfig.class) : null;
                JsonNode base = provenance.path("base").path("init_from");
                return new Recorded(model, l, base.isTextual() ? base.asText() : null);
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException(file + ": its model or LoRA settings cannot be used (" + e.getMessage() + ")",
                        e);
            }
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
