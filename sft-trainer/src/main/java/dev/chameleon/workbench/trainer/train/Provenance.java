package dev.chameleon.workbench.trainer.train;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.chameleon.workbench.trainer.finetune.BaseModel;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What made a checkpoint, enough to replay the run: snapshot hash, resolved config and its SHA-256, tokenizer
 * file hashes, code and library versions, seed and step (STYLE.md habit 12).
 *
 * @param snapshotHash  the {@code content_hash} of the snapshot's manifest.json (or the SHA-256 of the file when
 *                      it has none); "none" for data given in memory
 * @param resolvedConfig the run config and the resolved model config, as YAML
 * @param configSha256  SHA-256 of {@code resolvedConfig}
 * @param tokenizers    file name to SHA-256 of each tokenizer file
 * @param codeVersion   the sft-trainer version (jar manifest), or "dev" from classes
 * @param libraries     DJL, the engine and Java versions
 * @param seed          the run's seed
 * @param base          the weights the run started from ({@link BaseModel#provenance()}: path, kind, config hash,
 *                      step), or null for random weights
 */
public record Provenance(String snapshotHash, String resolvedConfig, String configSha256,
                         Map<String, String> tokenizers, String codeVersion, Map<String, String> libraries, long seed,
                         Map<String, Object> base) {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Provenance of a run over {@code snapshot} (may be null) and the given tokenizer files (may be empty). */
    public static Provenance of(TrainConfig config, ModelConfig model, Path snapshot, Map<String, Path> tokenizerFiles) {
        try {
            String yaml = resolvedConfig(config, model);
            Map<String, String> tok = new TreeMap<>();
            for (Map.Entry<String, Path> e : tokenizerFiles.entrySet()) {
                tok.put(e.getKey(), Files.isRegularFile(e.getValue()) ? sha256(e.getValue()) : "missing");
            }
            Map<String, String> libs = new TreeMap<>();
            libs.put("djl", String.valueOf(Engine.getDjlVersion()));
            libs.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
            libs.put("java", System.getProperty("java.version"));
            return new Provenance(snapshotHash(snapshot), yaml, sha256(yaml.getBytes(StandardCharsets.UTF_8)), tok,
                    buildVersion(), libs, config.seed(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The resolved config as every checkpoint records it ({@code resolved_config}): {@code train:} the run config,
     * {@code model:} the model config it trains, as YAML with keys in order.
     */
    public static String resolvedConfig(TrainConfig config, ModelConfig model) {
        Map<String, Object> resolved = new LinkedHashMap<>();
        resolved.put("train", config);
        resolved.put("model", model);
        try {
            return YAML.writeValueAsString(resolved);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This provenance with the weights the run started from ({@link BaseModel#provenance()}). */
    public Provenance withBase(Map<String, Object> startedFrom) {
        return new Provenance(snapshotHash, resolvedConfig, configSha256, tokenizers, codeVersion, libraries, seed,
                startedFrom);
    }

    /** This provenance at {@code step}, as JSON. */
    public String json(long step) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("step", step);
        out.put("seed", seed);
        out.put("snapshot_hash", snapshotHash);
        out.put("config_sha256", configSha256);
        out.put("tokenizers", tokenizers);
        out.put("code_version", codeVersion);
        out.put("libraries", libraries);
        out.put("resolved_config", resolvedConfig);
        if (base != null) {
            out.put("base", base);
        }
        try {
            return JSON.writeValueAsString(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sft-trainer version from the jar (manifest or Maven's pom.properties); "dev" when run from classes. */
    public static String buildVersion() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        if (v != null) {
            return v;
        }
        try (InputStream in = Provenance.class.getResourceAsStream(
                "/META-INF/maven/dev.chameleon.workbench/sft-trainer/pom.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                return p.getProperty("version", "dev");
            }
        } catch (IOException e) {
            // fall through: no version information
        }
        return "dev";
    }

    /** The {@code content_hash} of a snapshot's manifest.json, as {@link #snapshotHash()} records it. */
    public static String snapshotHash(Path snapshot) throws IOException {
        if (snapshot == null) {
            return "none";
        }
        Path manifest = snapshot.resolve("manifest.json");
        if (!Files.isRegularFile(manifest)) {
            return "no-manifest";
        }
        JsonNode node = JSON.readTree(manifest.toFile());
        JsonNode hash = node.get("content_hash");
        return hash != null && hash.isTextual() ? hash.asText() : "sha256:" + sha256(manifest);
    }

    /** SHA-256 of a file, in lower-case hex, as {@link #tokenizers()} records each tokenizer file. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** SHA-256 of bytes, in lower-case hex, as {@link #configSha256()} is computed. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
