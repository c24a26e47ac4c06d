package dev.chameleon.workbench.trainer.tokens.image;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shape of a VQGAN image tokenizer (the taming-transformers family Chameleon uses; docs/chameleon.md#tokens).
 *
 * <p>The encoder runs {@code channelMultipliers.size()} levels, halving the resolution between levels, so an
 * image of {@code resolution} pixels becomes a {@code gridSide x gridSide} grid of codes, each an index into
 * a codebook of {@code codebookSize} vectors of {@code embedDim} floats.
 *
 * @param resolution          square side in pixels images are brought to, a multiple of the downsampling factor
 * @param baseChannels        channels of the first level; level i has {@code baseChannels * channelMultipliers[i]}
 * @param channelMultipliers  one multiplier per level; {@code size() - 1} 2x downsamplings
 * @param resBlocks           residual blocks per encoder level (the decoder has one more, as in taming)
 * @param codebookSize        number of codes
 * @param embedDim            length of a codebook vector
 * @param zChannels           channels of the encoder output before the 1x1 quant_conv
 * @param groups              GroupNorm groups; divides the channels of every level
 * @param midAttention        whether the mid block has a self-attention block (the paper's model has one)
 * @param beta                weight of the codebook term of the quantizer loss (0.25 in the paper)
 */
public record VqConfig(int resolution, int baseChannels, List<Integer> channelMultipliers, int resBlocks,
                       int codebookSize, int embedDim, int zChannels, int groups, boolean midAttention,
                       double beta) {

    /** Largest side accepted; 2048 px at base 128 already needs tens of GiB of activations. */
    static final int MAX_RESOLUTION = 2048;

    public VqConfig {
        if (channelMultipliers == null || channelMultipliers.isEmpty()) {
            throw new IllegalArgumentException(
                    "channelMultipliers must list at least one level, e.g. [1, 2, 2]; got " + channelMultipliers);
        }
        channelMultipliers = List.copyOf(channelMultipliers);
        for (int i = 0; i < channelMultipliers.size(); i++) {
            if (channelMultipliers.get(i) <= 0) {
                throw new IllegalArgumentException("channelMultipliers[" + i + "] must be positive, got "
                        + channelMultipliers.get(i) + "; use 1 to keep the base channels");
            }
        }
        if (baseChannels <= 0) {
            throw new IllegalArgumentException("baseChannels must be positive, got " + baseChannels);
        }
        if (groups <= 0) {
            throw new IllegalArgumentException("groups (GroupNorm) must be positive, got " + groups);
        }
        for (int i = 0; i < channelMultipliers.size(); i++) {
            int ch = baseChannels * channelMultipliers.get(i);
            if (ch % groups != 0) {
                throw new IllegalArgumentException("baseChannels * channelMultipliers[" + i + "] = " + ch
                        + " is not divisible by groups " + groups
                        + "; pick baseChannels and groups so every level's channels are a multiple of groups");
            }
        }
        int factor = 1 << (channelMultipliers.size() - 1);
        if (resolution <= 0 || resolution > MAX_RESOLUTION) {
            throw new IllegalArgumentException("resolution must be in [1, " + MAX_RESOLUTION + "], got " + resolution);
        }
        if (resolution % factor != 0) {
            throw new IllegalArgumentException("resolution " + resolution + " is not a multiple of the downsampling "
                    + "factor " + factor + " (2^(channelMultipliers.size() - 1)); use a multiple of " + factor
                    + " or fewer levels");
        }
        if (resBlocks <= 0) {
            throw new IllegalArgumentException("resBlocks must be at least 1 per level, got " + resBlocks);
        }
        if (codebookSize < 2) {
            throw new IllegalArgumentException("codebookSize must be at least 2, got " + codebookSize);
        }
        if (embedDim <= 0) {
            throw new IllegalArgumentException("embedDim must be positive, got " + embedDim);
        }
        if (zChannels <= 0) {
            throw new IllegalArgumentException("zChannels must be positive, got " + zChannels);
        }
        if (!(beta >= 0 && beta <= 10)) {
            throw new IllegalArgumentException("beta must be in [0, 10] (the paper uses 0.25), got " + beta);
        }
    }

    /** The released Chameleon tokenizer: 512 px, 16x downsampling, 32x32 = 1024 codes from 8192. */
    public static VqConfig chameleon() {
        return new VqConfig(512, 128, List.of(1, 1, 2, 2, 4), 2, 8192, 256, 256, 32, true, 0.25);
    }

    /** A CPU-sized tokenizer: 64 px, 4x downsampling, 16x16 = 256 codes from 512; trains in minutes. */
    public static VqConfig small() {
        return new VqConfig(64, 32, List.of(1, 2, 2), 1, 512, 32, 32, 8, false, 0.25);
    }

    /**
     * The demo dataset's tokenizer: flat 64 px shapes brought to 32 px, 4x downsampling, 8x8 = 64 codes from 256,
     * so a tiny model draws a whole picture in 66 tokens and learns it on a CPU in minutes.
     */
    public static VqConfig demo() {
        return new VqConfig(32, 32, List.of(1, 2, 2), 1, 256, 32, 32, 8, false, 0.25);
    }

    /** A unit-test-sized tokenizer: 16 px, 8x8 = 64 codes from 32. */
    public static VqConfig tiny() {
        return new VqConfig(16, 8, List.of(1, 2), 1, 32, 8, 8, 4, false, 0.25);
    }

    /** The preset of that name: {@code chameleon}, {@code small}, {@code demo} or {@code tiny}. */
    public static VqConfig preset(String name) {
        return switch (name) {
            case "chameleon" -> chameleon();
            case "small" -> small();
            case "demo" -> demo();
            case "tiny" -> tiny();
            default -> throw new IllegalArgumentException(
                    "unknown VQ preset '" + name + "'; use chameleon, small, demo or tiny");
        };
    }

    /** Total downsampling between pixels and codes. */
    public int downsampleFactor() {
        return 1 << (channelMultipliers.size() - 1);
    }

    /** Codes per side of the grid. */
    public int gridSide() {
        return resolution / downsampleFactor();
    }

    public int codesPerImage() {
        return gridSide() * gridSide();
    }

    /** Channels of level {@code i}. */
    int channels(int level) {
        return baseChannels * channelMultipliers.get(level);
    }

    /** Channels of the deepest level, where the mid block runs. */
    int deepestChannels() {
        return channels(channelMultipliers.size() - 1);
    }

    /** Flat key/value form for checkpoints; {@link #fromMap} reads it back. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("resolution", Integer.toString(resolution));
        m.put("baseChannels", Integer.toString(baseChannels));
        m.put("channelMultipliers", String.join(",", channelMultipliers.stream().map(String::valueOf).toList()));
        m.put("resBlocks", Integer.toString(resBlocks));
        m.put("codebookSize", Integer.toString(codebookSize));
        m.put("embedDim", Integer.toString(embedDim));
        m.put("zChannels", Integer.toString(zChannels));
        m.put("groups", Integer.toString(groups));
        m.put("midAttention", Boolean.toString(midAttention));
        m.put("beta", Double.toString(beta));
        return m;
    }

    /** Reads {@link #toMap()}'s form; a missing or malformed key is named in the error. */
    public static VqConfig fromMap(Map<String, String> m) {
        List<Integer> mults = new ArrayList<>();
        for (String s : need(m, "channelMultipliers").split(",")) {
            mults.add(parseInt("channelMultipliers", s.trim()));
        }
        return new VqConfig(intOf(m, "resolution"), intOf(m, "baseChannels"), mults, intOf(m, "resBlocks"),
                intOf(m, "codebookSize"), intOf(m, "embedDim"), intOf(m, "zChannels"), intOf(m, "groups"),
                Boolean.parseBoolean(need(m, "midAttention")), Double.parseDouble(need(m, "beta")));
    }

    private static String need(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("VQ config lacks field '" + key + "'");
        }
        return v;
    }

    private static int intOf(Map<String, String> m, String key) {
        return parseInt(key, need(m, key));
    }

    private static int parseInt(String key, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("VQ config field '" + key + "' must be an integer, got '" + v + "'");
        }
    }
}
