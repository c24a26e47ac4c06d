package dev.chameleon.workbench.trainer.hf.vq;

import ai.djl.util.Pair;
import dev.chameleon.workbench.trainer.tokens.image.VqConfig;
import dev.chameleon.workbench.trainer.tokens.image.VqImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.image.VqStateDict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Our image tokenizer as the {@code vq_config} and {@code model.vqmodel.*} tensors of a Hugging Face Chameleon
 * checkpoint (encoder, quant_conv, codebook and post_quant_conv; the layout holds no decoder), when its shape is one
 * the release's VQGAN family can express: 32 GroupNorm groups and a first channel multiplier of 1.
 */
public final class HfVqExport {

    private HfVqExport() {
    }

    /** Why {@code config} cannot be written as a release-shaped VQGAN, or empty when it can. */
    public static Optional<String> notExportable(VqConfig config) {
        if (config.groups() != VqReleaseConfig.GROUPS) {
            return Optional.of("its GroupNorm has " + config.groups() + " groups where the release's VQGAN has "
                    + VqReleaseConfig.GROUPS);
        }
        if (config.channelMultipliers().get(0) != 1) {
            return Optional.of("its first channel multiplier is " + config.channelMultipliers().get(0)
                    + " where the release's VQGAN family has 1");
        }
        return Optional.empty();
    }

    /** transformers' {@code ChameleonVQVAEConfig} fields for {@code config}. */
    public static Map<String, Object> vqConfigJson(VqConfig config) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("embed_dim", config.embedDim());
        v.put("num_embeddings", config.codebookSize());
        v.put("double_latent", false);
        v.put("latent_channels", config.zChannels());
        v.put("resolution", config.resolution());
        v.put("in_channels", 3);
        v.put("base_channels", config.baseChannels());
        v.put("channel_multiplier", List.copyOf(config.channelMultipliers()));
        v.put("num_res_blocks", config.resBlocks());
        v.put("attn_resolutions", List.of());
        v.put("attn_type", config.midAttention() ? "vanilla" : "none");
        v.put("dropout", 0.0);
        return v;
    }

    /** The tokenizer's encoder-side tensors under {@code model.vqmodel.}, name to (shape, values). */
    public static Map<String, Pair<long[], float[]>> tensors(VqImageTokenizer tokenizer) {
        Map<String, Pair<long[], float[]>> out = new LinkedHashMap<>();
        VqStateDict.export(tokenizer).forEach((name, w) -> {
            if (!name.startsWith("decoder.")) {
                out.put(HfVqImport.HF_PREFIX + name, new Pair<>(w.shape(), w.values()));
            }
        });
        return out;
    }
}
