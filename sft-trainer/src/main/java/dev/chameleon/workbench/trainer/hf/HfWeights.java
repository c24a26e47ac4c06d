package dev.chameleon.workbench.trainer.hf;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name each parameter of our {@link dev.chameleon.workbench.trainer.model.ChameleonModel} has in a Hugging Face
 * Chameleon checkpoint (transformers' {@code ChameleonForConditionalGeneration}), and back.
 *
 * <pre>
 *   ours (DJL block path)                     Hugging Face                                    shape
 *   embedding                                 model.embed_tokens.weight                       (V, d)
 *   NNlayerL_NNattention_norm_gain            model.layers.L.input_layernorm.weight           (d)
 *   NNlayerL_NNattention_NNwq_weight          model.layers.L.self_attn.q_proj.weight          (H*hd, d)
 *   NNlayerL_NNattention_NNwk/wv_weight       model.layers.L.self_attn.k_proj/v_proj.weight   (KV*hd, d)
 *   NNlayerL_NNattention_NNwo_weight          model.layers.L.self_attn.o_proj.weight          (d, H*hd)
 *   NNlayerL_NNattention_q_gain / q_bias      model.layers.L.self_attn.q_norm.weight / .bias  (H, 1, hd) / (H, hd)
 *   NNlayerL_NNattention_k_gain / k_bias      model.layers.L.self_attn.k_norm.weight / .bias  (KV, 1, hd) / (KV, hd)
 *   NNlayerL_NNffn_norm_gain                  model.layers.L.post_attention_layernorm.weight  (d)
 *   NNlayerL_NNffn_NNw1 / w3 / w2_weight      model.layers.L.mlp.gate_proj / up_proj / down_proj.weight
 *   NNnorm_gain                               model.norm.weight                               (d)
 *   NNhead_weight                             lm_head.weight                                  (V, d)
 * </pre>
 * NN is DJL's child number. Linear weights are (out, in) in both, so no transpose. No q/k permutation either: our
 * rotary embedding uses the rotate-half pairing (first and second halves of head_dim), which is the convention the
 * Hugging Face port converted Meta's weights into. Under norm reordering ({@code swin_norm}) the two layer norms keep
 * their names and move after attention and the MLP, as in transformers' {@code ChameleonSwinDecoderLayer}.
 */
public final class HfWeights {

    /** Prefix of the image tokenizer's tensors inside a Hugging Face checkpoint; the language model ignores them. */
    public static final String VQ_PREFIX = "model.vqmodel.";

    private static final Pattern LAYER = Pattern.compile("\\d+layer(\\d+)_\\d+(.+)");

    private static final Pattern HF_LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)");

    private HfWeights() {
    }

    /** The Hugging Face name of our parameter {@code name}, empty when it is not one of the model's weights. */
    public static Optional<String> hfName(String name) {
        if (name.equals("embedding")) {
            return Optional.of("model.embed_tokens.weight");
        }
        if (name.matches("\\d+norm_gain")) {
            return Optional.of("model.norm.weight");
        }
        if (name.matches("\\d+head_weight")) {
            return Optional.of("lm_head.weight");
        }
        Matcher m = LAYER.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        String prefix = "model.layers." + m.group(1) + ".";
        String rest = m.group(2);
        String hf = switch (rest) {
            case "attention_norm_gain" -> "input_layernorm.weight";
            case "ffn_norm_gain" -> "post_attention_layernorm.weight";
            case "attention_q_gain" -> "self_attn.q_norm.weight";
            case "attention_q_bias" -> "self_attn.q_norm.bias";
            case "attention_k_gain" -> "self_attn.k_norm.weight";
            case "attention_k_bias" -> "self_attn.k_norm.bias";
            default -> projection(rest);
        };
        return hf == null ? Optional.empty() : Optional.of(prefix + hf);
    }

    /** {@code attention_NNwq_weight} to {@code self_attn.q_proj.weight}, {@code ffn_NNw1_weight} to gate_proj, ... */
    private static String projection(String rest) {
        Matcher a = Pattern.compile("attention_\\d+w([qkvo])_weight").matcher(rest);
        if (a.matches()) {
            return "self_attn." + a.group(1) + "_proj.weight";
        }
        Matcher f = Pattern.compile("ffn_\\d+w([123])_weight").matcher(rest);
        if (f.matches()) {
            return switch (f.group(1)) {
                case "1" -> "mlp.gate_proj.weight";
                case "3" -> "mlp.up_proj.weight";
                default -> "mlp.down_proj.weight";
            };
        }
        return null;
    }

    /** Whether a checkpoint tensor belongs to the language model (not the image tokenizer). */
    public static boolean isLanguageModel(String hfName) {
        return !hfName.startsWith(VQ_PREFIX);
    }

    /** The layer index of a Hugging Face tensor name, or -1 when it is not inside model.layers. */
    public static int layerOf(String hfName) {
        Matcher m = HF_LAYER.matcher(hfName);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }
}
