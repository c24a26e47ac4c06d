package dev.chameleon.workbench.trainer.hf.vq;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.chameleon.workbench.trainer.hf.HfChameleonConfig;
import dev.chameleon.workbench.trainer.tokens.image.VqConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shape of a released VQGAN, read from the release's {@code vqgan.yaml} (taming-transformers' layout) or from
 * a Hugging Face {@code config.json}'s {@code vq_config}, as our {@link VqConfig}, refusing every setting our
 * model would not follow (docs/chameleon.md#loading-a-released-image-tokenizer).
 *
 * <pre>
 *   vqgan.yaml                       config.json vq_config     VqConfig
 *   model.params.embed_dim           embed_dim                 embedDim
 *   model.params.n_embed             num_embeddings            codebookSize
 *   model.params.ddconfig.ch         base_channels             baseChannels
 *                        .ch_mult    channel_multiplier        channelMultipliers (first must be 1)
 *                        .num_res_blocks  num_res_blocks       resBlocks
 *                        .z_channels latent_channels           zChannels
 *                        .resolution resolution                resolution
 *                        .double_z   double_latent             must be false
 *                        .in_channels, .out_ch  in_channels    must be 3
 *                        .attn_resolutions  attn_resolutions   no level may have attention
 *   (attn_type, default vanilla)     attn_type                 midAttention: vanilla true, none false
 *   (fixed in taming)                                          groups 32, beta 0.25
 * </pre>
 * Dropout is read and ignored: the tokenizer only runs in inference.
 */
final class VqReleaseConfig {

    /** taming's Normalize: GroupNorm(32, C, eps 1e-6) everywhere. */
    static final int GROUPS = 32;
    /** The quantizer's loss weight in taming's VQModel; it does not change inference. */
    static final double BETA = 0.25;
    /** A VQGAN's YAML is a few KiB; this is far beyond any. */
    static final int MAX_YAML_BYTES = 1 << 20;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** model.params settings that do not change the network (training, logging and loading settings). */
    private static final Set<String> PARAMS_IGNORED = Set.of("lossconfig", "ckpt_path", "ignore_keys", "image_key",
            "colorize_nlabels", "monitor", "scheduler_config", "lr_g_factor", "sane_index_shape", "use_ema",
            "batch_resize_range");
    private static final Set<String> PARAMS_READ = Set.of("embed_dim", "n_embed", "ddconfig", "remap");
    private static final Set<String> DDCONFIG_READ = Set.of("double_z", "z_channels", "resolution", "in_channels",
            "out_ch", "ch", "ch_mult", "num_res_blocks", "attn_resolutions", "dropout", "resamp_with_conv",
            "give_pre_end", "tanh_out", "use_linear_attn", "attn_type");

    private VqReleaseConfig() {
    }

    /** Our config for a Hugging Face checkpoint's vq_config; {@code file} is its config.json. */
    static VqConfig fromHf(HfChameleonConfig.VqConfig v, Path file) throws InvalidVqTokenizerException {
        String p = "vq_config.";
        if (v.inChannels() != 3) {
            throw new InvalidVqTokenizerException(file, p + "in_channels", "is " + v.inChannels()
                    + ": our image tokenizer reads RGB images, 3 channels; Chameleon's VQGAN has 3");
        }
        if (v.doubleLatent()) {
            throw new InvalidVqTokenizerException(file, p + "double_latent", "is true: a VQGAN's encoder outputs"
                    + " latent_channels channels, not twice as many (that is a KL autoencoder); Chameleon's is false");
        }
        boolean midAttention = attention(v.attnType(), file, p + "attn_type");
        return build(file, p, v.resolution(), v.baseChannels(), v.channelMultiplier(), v.numResBlocks(),
                v.numEmbeddings(), v.embedDim(), v.latentChannels(), midAttention, v.attnResolutions(),
                p + "base_channels", p + "channel_multiplier", p + "attn_resolutions");
    }

    /** Our config for a release's {@code vqgan.yaml}. */
    static VqConfig fromYaml(Path yaml) throws IOException {
        JsonNode root = readYaml(yaml);
        Fields model = new Fields(root, yaml, "").object("model");
        Fields params = model.object("params");
        for (String name : params.names()) {
            if (!PARAMS_READ.contains(name) && !PARAMS_IGNORED.contains(name)) {
                throw params.error(name, "is not a VQModel setting this reader knows, and it may change the"
                        + " network; remove it if the tokenizer was built without it (settings read: "
                        + new TreeSet<>(PARAMS_READ) + "; ignored: " + new TreeSet<>(PARAMS_IGNORED) + ")");
            }
        }
        if (params.node("remap") != null) {
            throw params.error("remap", "is set: remapped code indices are not supported; a Chameleon VQGAN uses"
                    + " every code of its codebook directly (no remap)");
        }
        Fields dd = params.object("ddconfig");
        for (String name : dd.names()) {
            if (!DDCONFIG_READ.contains(name)) {
                throw dd.error(name, "is not a taming Encoder/Decoder setting this reader knows, and it may change"
                        + " the network; remove it if the tokenizer was built without it (settings read: "
                        + new TreeSet<>(DDCONFIG_READ) + ")");
            }
        }
        if (dd.node("double_z") == null || dd.bool("double_z", true)) {
            throw dd.error("double_z", (dd.node("double_z") == null ? "is missing, and taming's default is true"
                    : "is true") + ": a VQGAN's encoder outputs z_channels channels, not twice as many; set"
                    + " double_z: false (Chameleon's vqgan.yaml does)");
        }
        for (String rgb : List.of("in_channels", "out_ch")) {
            int n = dd.requiredInt(rgb);
            if (n != 3) {
                throw dd.error(rgb, "is " + n + ": our image tokenizer reads and draws RGB images, 3 channels;"
                        + " Chameleon's VQGAN has 3");
            }
        }
        if (!dd.bool("resamp_with_conv", true)) {
            throw dd.error("resamp_with_conv", "is false: downsampling by average pooling and upsampling without a"
                    + " convolution are not supported; Chameleon's VQGAN uses the default, true");
        }
        for (String flag : List.of("give_pre_end", "tanh_out", "use_linear_attn")) {
            if (dd.bool(flag, false)) {
                throw dd.error(flag, "is true, which our decoder does not do; Chameleon's VQGAN leaves it false");
            }
        }
        dd.number("dropout");
        boolean midAttention = attention(dd.string("attn_type", "vanilla"), yaml, dd.path("attn_type"));
        return build(yaml, dd.path(""), dd.requiredInt("resolution"), dd.requiredInt("ch"),
                dd.ints("ch_mult", true), dd.requiredInt("num_res_blocks"), params.requiredInt("n_embed"),
                params.requiredInt("embed_dim"), dd.requiredInt("z_channels"), midAttention,
                dd.ints("attn_resolutions", false), dd.path("ch"), dd.path("ch_mult"), dd.path("attn_resolutions"));
    }

    private static boolean attention(String type, Path file, String key) throws InvalidVqTokenizerException {
        return switch (type) {
            case "vanilla" -> true;
            case "none" -> false;
            default -> throw new InvalidVqTokenizerException(file, key, "is \"" + type + "\": only \"vanilla\""
                    + " (softmax attention in the mid blocks, Chameleon's) and \"none\" are supported");
        };
    }

    private static VqConfig build(Path file, String section, int resolution, int ch, List<Integer> mult,
                                  int resBlocks, int nEmbed, int embedDim, int z, boolean midAttention,
                                  List<Integer> attnResolutions, String chKey, String multKey, String attnKey)
            throws InvalidVqTokenizerException {
        if (mult.isEmpty() || mult.get(0) != 1) {
            throw new InvalidVqTokenizerException(file, multKey, "is " + mult + ": our encoder needs the first"
                    + " multiplier to be 1 (its conv_in outputs ch * ch_mult[0] channels where taming's outputs ch);"
                    + " Chameleon's VQGAN uses [1, 1, 2, 2, 4]");
        }
        for (int level = 0, side = resolution; level < mult.size(); level++, side /= 2) {
            if (midAttention && attnResolutions.contains(side)) {
                throw new InvalidVqTokenizerException(file, attnKey, "is " + attnResolutions + ": it puts attention"
                        + " blocks at level " + level + " (" + side + " px), which our VQ model does not have (it"
                        + " attends only in the mid blocks); Chameleon's VQGAN lists none");
            }
        }
        try {
            return new VqConfig(resolution, ch, mult, resBlocks, nEmbed, embedDim, z, GROUPS, midAttention, BETA);
        } catch (IllegalArgumentException e) {
            throw new InvalidVqTokenizerException(file, section.endsWith(".") ? section.substring(0,
                    section.length() - 1) : section, "describes a VQGAN our model cannot build: " + e.getMessage()
                    + (e.getMessage().contains("groups") ? " (taming's GroupNorm has 32 groups, so every level's"
                    + " channels, " + chKey + " times its multiplier, must be a multiple of 32)" : ""));
        }
    }

    private static JsonNode readYaml(Path yaml) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(yaml)) {
            bytes = in.readNBytes(MAX_YAML_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new InvalidVqTokenizerException(yaml, "", "does not exist: point at the vqgan.yaml that the"
                    + " release ships beside vqgan.ckpt (tokenizer/vqgan.yaml)");
        }
        if (bytes.length > MAX_YAML_BYTES) {
            throw new InvalidVqTokenizerException(yaml, "", "is larger than " + (MAX_YAML_BYTES >> 20) + " MiB, far"
                    + " beyond any VQGAN configuration: check that this is the tokenizer's vqgan.yaml");
        }
        JsonNode root;
        try {
            root = YAML.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new InvalidVqTokenizerException(yaml, "", "is not valid YAML" + where + ": "
                    + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidVqTokenizerException(yaml, "", "must be a YAML mapping with model.params (taming's"
                    + " layout), found " + (root == null || root.isMissingNode() ? "nothing" : root.getNodeType()));
        }
        return root;
    }

    /** Typed reads of one YAML mapping, every error naming the file and the dotted key. */
    private record Fields(JsonNode node, Path file, String prefix) {

        String path(String name) {
            return prefix + name;
        }

        InvalidVqTokenizerException error(String name, String problem) {
            return new InvalidVqTokenizerException(file, path(name), problem);
        }

        JsonNode node(String name) {
            JsonNode n = node.get(name);
            return n == null || n.isNull() ? null : n;
        }

        List<String> names() {
            List<String> out = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                out.add(it.next());
            }
            return out;
        }

        Fields object(String name) throws InvalidVqTokenizerException {
            JsonNode n = node(name);
            if (n == null || !n.isObject()) {
                throw error(name, (n == null ? "is missing" : "must be a mapping, found " + n.getNodeType())
                        + ": a taming VQGAN config has model: {target, params: {embed_dim, n_embed, ddconfig: {...}}}");
            }
            return new Fields(n, file, path(name) + ".");
        }

        int requiredInt(String name) throws InvalidVqTokenizerException {
            JsonNode n = node(name);
            if (n == null) {
                throw error(name, "is missing: the network's shape needs it; copy it from the release's vqgan.yaml");
            }
            return integer(n, name);
        }

        private int integer(JsonNode n, String name) throws InvalidVqTokenizerException {
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 1) {
                throw error(name, "must be a whole number of at least 1, found " + describe(n));
            }
            return n.intValue();
        }

        boolean bool(String name, boolean defaultValue) throws InvalidVqTokenizerException {
            JsonNode n = node(name);
            if (n == null) {
                return defaultValue;
            }
            if (!n.isBoolean()) {
                throw error(name, "must be true or false, found " + describe(n));
            }
            return n.booleanValue();
        }

        String string(String name, String defaultValue) throws InvalidVqTokenizerException {
            JsonNode n = node(name);
            if (n == null) {
                return defaultValue;
            }
            if (!n.isTextual()) {
                throw error(name, "must be a string, found " + describe(n));
            }
            return n.textValue();
        }

        void number(String name) throws InvalidVqTokenizerException {
            JsonNode n = node(name);
            if (n != null && !n.isNumber()) {
                throw error(name, "must be a number, found " + describe(n));
            }
        }

        /** A list of whole numbers; with {@code required} false, missing or null reads as empty. */
        List<Integer> ints(String name, boolean required) throws InvalidVqTokenizerException {
            JsonNode n = node(name);
            if (n == null) {
                if (required) {
                    throw error(name, "is missing: the network's shape needs it; copy it from the release's"
                            + " vqgan.yaml");
                }
                return List.of();
            }
            if (!n.isArray()) {
                throw error(name, "must be a list of whole numbers [...], found " + describe(n));
            }
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < n.size(); i++) {
                out.add(integer(n.get(i), name + "[" + i + "]"));
            }
            return List.copyOf(out);
        }

        private static String describe(JsonNode n) {
            String text = n.isContainerNode() ? n.getNodeType().toString().toLowerCase() : n.asText();
            return (n.isTextual() ? "the string \"" : "") + (text.length() > 40 ? text.substring(0, 40) + "..."
                    : text) + (n.isTextual() ? "\"" : "");
        }
    }
}
