package dev.chameleon.workbench.trainer.hf;

import dev.chameleon.workbench.trainer.hf.json.StrictJson;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code config.json} of a Chameleon checkpoint in the Hugging Face layout (transformers'
 * {@code ChameleonConfig}, model_type "chameleon": Chameleon 7B/30B, Anole 7B, Lumina-mGPT), read strictly
 * because checkpoints come from the internet (docs/chameleon.md#hugging-face-layout).
 *
 * <p>A missing field, like transformers, takes the default of {@code ChameleonConfig.__init__}:
 * <ul>
 * <li>vocab_size 65536, hidden_size 4096, intermediate_size 11008, num_hidden_layers 32,
 *     num_attention_heads 32, num_key_value_heads 32, max_position_embeddings 4096</li>
 * <li>rope_theta 10000.0, rope_scaling null, rms_norm_eps 1e-5, hidden_act "silu"</li>
 * <li>attention_bias false, mlp_bias false, attention_dropout 0.0, model_parallel_size 1, swin_norm false,
 *     tie_word_embeddings false</li>
 * <li>bos_token_id 1, eos_token_id 2, pad_token_id null; vocabulary_map null; image_token_id the id of
 *     "&lt;image&gt;" in vocabulary_map, else null</li>
 * <li>vq_config: embed_dim 256, num_embeddings 8192, double_latent false, latent_channels 256, resolution 512,
 *     in_channels 3, base_channels 128, channel_multiplier [1, 1, 2, 2, 4], num_res_blocks 2,
 *     attn_resolutions null, attn_type "vanilla", dropout 0.0</li>
 * </ul>
 * Newer transformers write the rotary settings as {@code rope_parameters {rope_type, rope_theta}}; that form is
 * read too. Fields of {@code PretrainedConfig} that do not shape the model (architectures, torch_dtype,
 * transformers_version, ...) are ignored.
 *
 * @param ropeScaling the rope_scaling object (or a rope_parameters rope_type other than "default") as compact
 *                    JSON, empty when the plain rotary embedding is used
 * @param vocabularyMap token string to id, empty when the file has none
 */
public record HfChameleonConfig(
        Path file,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int maxPositionEmbeddings,
        double ropeTheta,
        Optional<String> ropeScaling,
        double rmsNormEps,
        String hiddenAct,
        boolean attentionBias,
        boolean mlpBias,
        double attentionDropout,
        int modelParallelSize,
        boolean swinNorm,
        boolean tieWordEmbeddings,
        OptionalInt bosTokenId,
        OptionalInt eosTokenId,
        OptionalInt padTokenId,
        OptionalInt imageTokenId,
        Map<String, Integer> vocabularyMap,
        VqConfig vqConfig) {

    /** Largest config.json read: a vocabulary_map of 65,536 names is a few MiB. */
    public static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

    /** Prefix of the 8,192 image-code token names in vocabulary_map ("IMGIMGBAZ", ...). */
    static final String IMAGE_TOKEN_PREFIX = "IMGIMG";

    /** Copies the map so that the record stays immutable. */
    public HfChameleonConfig {
        vocabularyMap = Map.copyOf(vocabularyMap);
    }

    /**
     * The image tokenizer (VQGAN) settings, transformers' {@code ChameleonVQVAEConfig}.
     *
     * @param attnResolutions feature-map sizes with attention blocks; empty when null in the file
     */
    public record VqConfig(int embedDim, int numEmbeddings, boolean doubleLatent, int latentChannels, int resolution,
            int inChannels, int baseChannels, List<Integer> channelMultiplier, int numResBlocks,
            List<Integer> attnResolutions, String attnType, double dropout) {

        public VqConfig {
            channelMultiplier = List.copyOf(channelMultiplier);
            attnResolutions = List.copyOf(attnResolutions);
        }
    }

    /**
     * The ids of the image-code tokens (names starting with IMGIMG) in vocabulary_map.
     *
     * @param count how many such tokens there are; {@link #contiguous()} when they fill first..last
     */
    public record ImageTokenRange(int first, int last, int count) {

        public boolean contiguous() {
            return count == last - first + 1;
        }
    }

    /** Reads {@code checkpointDir/config.json}; every fault is an {@link InvalidHfConfigException}. */
    public static HfChameleonConfig read(Path checkpointDir) throws IOException {
        Path file = checkpointDir.resolve("config.json");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new InvalidHfConfigException(file, "", "does not exist: point at the checkpoint folder that"
                    + " holds config.json next to the *.safetensors files");
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new InvalidHfConfigException(file, "", "is larger than " + MAX_FILE_BYTES / (1024 * 1024)
                    + " MiB, far beyond any Chameleon config: check that this is the model's config.json");
        }
        return parse(bytes, file);
    }

    static HfChameleonConfig parse(byte[] bytes, Path file) throws InvalidHfConfigException {
        JsonNode root;
        try {
            root = StrictJson.parseObject(bytes);
        } catch (StrictJson.Invalid e) {
            String fix = e.getMessage().contains("UTF-8") ? ": save it as UTF-8 JSON" : "";
            throw new InvalidHfConfigException(file, "", e.getMessage() + fix);
        }
        return fromJson(new JsonFields(root, file, ""));
    }

    private static HfChameleonConfig fromJson(JsonFields f) throws InvalidHfConfigException {
        String modelType = f.string("model_type", "chameleon");
        if (!modelType.equals("chameleon")) {
            throw f.error("model_type", "is \"" + modelType + "\", not \"chameleon\": this reader takes"
                    + " transformers' ChameleonConfig checkpoints only");
        }
        int vocab = f.integer("vocab_size", 65536, 1);
        int hidden = f.integer("hidden_size", 4096, 1);
        int intermediate = f.integer("intermediate_size", 11008, 1);
        int layers = f.integer("num_hidden_layers", 32, 1);
        int heads = f.integer("num_attention_heads", 32, 1);
        int kvHeads = f.integer("num_key_value_heads", 32, 1);
        int maxPos = f.integer("max_position_embeddings", 4096, 1);
        if (hidden % heads != 0 || (hidden / heads) % 2 != 0) {
            throw f.error("num_attention_heads", "(" + heads + ") must divide hidden_size (" + hidden + ") into an"
                    + " even head size for rotary embeddings: check both against the checkpoint's model card");
        }
        if (heads % kvHeads != 0) {
            throw f.error("num_key_value_heads", "(" + kvHeads + ") must divide num_attention_heads (" + heads
                    + "): use num_attention_heads for multi-head attention");
        }

        double ropeTheta = f.number("rope_theta", 10_000.0, 0, false, Double.POSITIVE_INFINITY);
        Optional<String> ropeScaling = Optional.ofNullable(f.node("rope_scaling")).map(JsonNode::toString);
        JsonFields rope = f.object("rope_parameters");
        if (rope != null) {
            ropeTheta = rope.number("rope_theta", ropeTheta, 0, false, Double.POSITIVE_INFINITY);
            String type = rope.string("rope_type", "default");
            if (!type.equals("default")) {
                ropeScaling = Optional.of(f.node("rope_parameters").toString());
            }
        }
        double eps = f.number("rms_norm_eps", 1e-5, 0, false, 1);
        String act = f.string("hidden_act", "silu");
        boolean attentionBias = f.bool("attention_bias", false);
        boolean mlpBias = f.bool("mlp_bias", false);
        double attentionDropout = f.number("attention_dropout", 0.0, 0, true, 1);
        int modelParallel = f.integer("model_parallel_size", 1, 1);
        boolean swin = f.bool("swin_norm", false);
        boolean tied = f.bool("tie_word_embeddings", false);

        Map<String, Integer> vocabularyMap = vocabularyMap(f, vocab);
        OptionalInt bos = tokenId(f, "bos_token_id", OptionalInt.of(1), vocab);
        OptionalInt eos = tokenId(f, "eos_token_id", OptionalInt.of(2), vocab);
        OptionalInt pad = tokenId(f, "pad_token_id", OptionalInt.empty(), vocab);
        Integer imageInMap = vocabularyMap.get("<image>");
        OptionalInt image = tokenId(f, "image_token_id",
                imageInMap == null ? OptionalInt.empty() : OptionalInt.of(imageInMap), vocab);

        return new HfChameleonConfig(f.file(), vocab, hidden, intermediate, layers, heads, kvHeads, maxPos,
                ropeTheta, ropeScaling, eps, act, attentionBias, mlpBias, attentionDropout, modelParallel, swin, tied,
                bos, eos, pad, image, vocabularyMap, vqConfig(f));
    }

    private static OptionalInt tokenId(JsonFields f, String name, OptionalInt defaultValue, int vocab)
            throws InvalidHfConfigException {
        OptionalInt id = f.optionalInteger(name, defaultValue, 0);
        if (id.isPresent() && id.getAsInt() >= vocab) {
            throw f.error(name, "(" + id.getAsInt() + ") must be below vocab_size (" + vocab + "): check both");
        }
        return id;
    }

    private static Map<String, Integer> vocabularyMap(JsonFields f, int vocab) throws InvalidHfConfigException {
        JsonNode n = f.node("vocabulary_map");
        if (n == null) {
            return Map.of();
        }
        if (!n.isObject()) {
            throw f.error("vocabulary_map", "must be a JSON object {\"token\": id, ...}, found "
                    + JsonFields.describe(n));
        }
        Map<String, Integer> map = new LinkedHashMap<>();
        var entries = n.properties().iterator();
        while (entries.hasNext()) {
            var e = entries.next();
            JsonNode id = e.getValue();
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0 || id.intValue() >= vocab) {
                throw f.error("vocabulary_map", "maps \"" + e.getKey() + "\" to " + JsonFields.describe(id)
                        + ": every id must be a whole number from 0 to vocab_size - 1 (" + (vocab - 1) + ")");
            }
            map.put(e.getKey(), id.intValue());
        }
        return map;
    }

    private static VqConfig vqConfig(JsonFields root) throws InvalidHfConfigException {
        JsonFields v = root.object("vq_config");
        if (v == null) {
            v = new JsonFields(StrictJson.MAPPER.createObjectNode(), root.file(), "vq_config.");
        }
        List<Integer> multiplier = v.integers("channel_multiplier", List.of(1, 1, 2, 2, 4), 1);
        if (multiplier.isEmpty()) {
            throw v.error("channel_multiplier", "must not be empty: Chameleon's VQGAN uses [1, 1, 2, 2, 4]");
        }
        return new VqConfig(
                v.integer("embed_dim", 256, 1),
                v.integer("num_embeddings", 8192, 1),
                v.bool("double_latent", false),
                v.integer("latent_channels", 256, 1),
                v.integer("resolution", 512, 1),
                v.integer("in_channels", 3, 1),
                v.integer("base_channels", 128, 1),
                multiplier,
                v.integer("num_res_blocks", 2, 1),
                v.integers("attn_resolutions", List.of(), 1),
                v.string("attn_type", "vanilla"),
                v.number("dropout", 0.0, 0, true, 1));
    }

    /**
     * Our model's shape for this checkpoint: QK-norm on (every Chameleon has it), swin_norm as norm reordering,
     * attention_dropout as the dropout rate, Chameleon's z-loss weight 1e-5. Check {@link #unsupported()} first:
     * a config listed there loads here but the weights would not mean the same.
     */
    public ModelConfig toModelConfig() {
        return new ModelConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads,
                intermediateSize, maxPositionEmbeddings, ropeTheta, rmsNormEps, true, swinNorm, attentionDropout,
                1e-5, tieWordEmbeddings);
    }

    /** What this checkpoint uses that our model cannot represent yet, one reason each; empty when it fits. */
    public List<String> unsupported() {
        List<String> out = new ArrayList<>();
        if (attentionBias) {
            out.add("attention_bias is true: our attention projections have no bias, the q/k/v/o biases would be"
                    + " lost");
        }
        if (mlpBias) {
            out.add("mlp_bias is true: our SwiGLU projections have no bias, the gate/up/down biases would be lost");
        }
        if (!hiddenAct.equals("silu")) {
            out.add("hidden_act is \"" + hiddenAct + "\": our feed-forward is SwiGLU with SiLU only");
        }
        ropeScaling.ifPresent(s -> out.add("rope scaling " + s + " is set: our rotary embedding is unscaled"
                + " (base rope_theta only)"));
        if (modelParallelSize > 1) {
            out.add("model_parallel_size is " + modelParallelSize + ": the q/k LayerNorm weights were trained per"
                    + " model-parallel rank and our weight loader reads one set per head only");
        }
        return List.copyOf(out);
    }

    /** The ids of the image-code tokens (IMGIMG...) in vocabulary_map; empty when the map has none. */
    public Optional<ImageTokenRange> imageTokenRange() {
        int first = Integer.MAX_VALUE;
        int last = -1;
        int count = 0;
        for (Map.Entry<String, Integer> e : vocabularyMap.entrySet()) {
            if (e.getKey().startsWith(IMAGE_TOKEN_PREFIX)) {
                first = Math.min(first, e.getValue());
                last = Math.max(last, e.getValue());
                count++;
            }
        }
        return count == 0 ? Optional.empty() : Optional.of(new ImageTokenRange(first, last, count));
    }
}
