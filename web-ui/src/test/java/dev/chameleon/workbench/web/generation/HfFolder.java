package dev.chameleon.workbench.web.generation;

import dev.chameleon.workbench.trainer.hf.safetensors.Dtype;
import dev.chameleon.workbench.trainer.hf.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tiny checkpoint folders in the Hugging Face layout for the registry, the pickers and the command line: a
 * config.json, a model.safetensors holding every language-model tensor by name (zeros, in the shapes
 * transformers uses) and a tokenizer.json. Written without the engine, so unit and view tests can use them; they are
 * not loadable models.
 */
public final class HfFolder {

    /** The model's sizes, which the registry's summary reports. */
    public static final int VOCAB = 32;
    public static final int HIDDEN = 16;
    public static final int HEADS = 2;
    public static final int FFN = 32;

    private HfFolder() {
    }

    /** A complete folder {@code dir} with {@code layers} decoder layers. */
    public static Path write(Path dir, int layers) throws IOException {
        return write(dir, layers, layers, "");
    }

    /**
     * A folder whose config.json says {@code layers} but whose weights hold {@code weightLayers} layers (fewer: an
     * incomplete download); {@code extraConfig} is inserted into config.json as is (e.g. {@code "mlp_bias": true,}).
     */
    public static Path write(Path dir, int layers, int weightLayers, String extraConfig) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), """
                {"model_type": "chameleon", %s"vocab_size": %d, "hidden_size": %d, "intermediate_size": %d,
                 "num_hidden_layers": %d, "num_attention_heads": %d, "num_key_value_heads": %d,
                 "max_position_embeddings": 64, "swin_norm": false, "tie_word_embeddings": false}
                """.formatted(extraConfig, VOCAB, HIDDEN, FFN, layers, HEADS, HEADS));
        int hd = HIDDEN / HEADS;
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        w.add("model.embed_tokens.weight", Dtype.F32, new long[]{VOCAB, HIDDEN}, new float[VOCAB * HIDDEN]);
        w.add("model.norm.weight", Dtype.F32, new long[]{HIDDEN}, new float[HIDDEN]);
        w.add("lm_head.weight", Dtype.F32, new long[]{VOCAB, HIDDEN}, new float[VOCAB * HIDDEN]);
        for (int l = 0; l < weightLayers; l++) {
            String p = "model.layers." + l + ".";
            for (String n : new String[]{"input_layernorm.weight", "post_attention_layernorm.weight"}) {
                w.add(p + n, Dtype.F32, new long[]{HIDDEN}, new float[HIDDEN]);
            }
            for (String n : new String[]{"q_proj", "k_proj", "v_proj", "o_proj"}) {
                w.add(p + "self_attn." + n + ".weight", Dtype.F32, new long[]{HIDDEN, HIDDEN}, new float[HIDDEN * HIDDEN]);
            }
            for (String n : new String[]{"q_norm", "k_norm"}) {
                w.add(p + "self_attn." + n + ".weight", Dtype.F32, new long[]{HEADS, hd}, new float[HIDDEN]);
                w.add(p + "self_attn." + n + ".bias", Dtype.F32, new long[]{HEADS, hd}, new float[HIDDEN]);
            }
            w.add(p + "mlp.gate_proj.weight", Dtype.F32, new long[]{FFN, HIDDEN}, new float[FFN * HIDDEN]);
            w.add(p + "mlp.up_proj.weight", Dtype.F32, new long[]{FFN, HIDDEN}, new float[FFN * HIDDEN]);
            w.add(p + "mlp.down_proj.weight", Dtype.F32, new long[]{HIDDEN, FFN}, new float[FFN * HIDDEN]);
        }
        w.write(dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        return dir;
    }
}
