package dev.chameleon.workbench.trainer.finetune;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.chameleon.workbench.trainer.hf.safetensors.Dtype;
import dev.chameleon.workbench.trainer.hf.safetensors.SafetensorsFile;
import dev.chameleon.workbench.trainer.hf.safetensors.SafetensorsWriter;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.LoraConfig;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's LoRA adapters in the layout of Hugging Face PEFT, so that {@code PeftModel.from_pretrained(base, DIR)}
 * loads them onto the transformers Chameleon:
 *
 * <pre>
 *   DIR/adapter_config.json        {"peft_type": "LORA", "r", "lora_alpha", "lora_dropout", "target_modules",
 *                                   "base_model_name_or_path", "bias": "none", "task_type": "CAUSAL_LM"}
 *   DIR/adapter_model.safetensors  base_model.model.model.layers.L.self_attn.q_proj.lora_A.weight   (r, in)
 *                                  base_model.model.model.layers.L.self_attn.q_proj.lora_B.weight   (out, r)
 *                                  ... mlp.gate_proj / up_proj / down_proj for the feed-forward
 * </pre>
 * Our A and B are stored as PEFT stores them (Linear weights, (out, in)), so nothing is transposed.
 */
public final class PeftAdapters {

    /** The adapters' settings file. */
    public static final String CONFIG = "adapter_config.json";
    /** The adapters' weights file. */
    public static final String WEIGHTS = "adapter_model.safetensors";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PeftAdapters() {
    }

    /** The PEFT tensor name of one adapter matrix ({@code a}: lora_A, else lora_B). */
    public static String key(int layer, String target, boolean a) {
        String module = List.of("gate_proj", "up_proj", "down_proj").contains(target) ? "mlp." : "self_attn.";
        return "base_model.model.model.layers." + layer + "." + module + target + (a ? ".lora_A" : ".lora_B")
                + ".weight";
    }

    /**
     * Writes the unmerged adapters of {@code net} to {@code dir} (created if needed; existing adapter files are
     * replaced) in fp32.
     *
     * @param baseModel what {@code base_model_name_or_path} records: the init_from path or a hub name
     */
    public static void write(ChameleonModel net, String baseModel, Path dir) throws IOException {
        LoraConfig lora = net.lora();
        if (lora == null) {
            throw new IllegalArgumentException("the model has no LoRA adapters to write; train with lora: {...}");
        }
        if (!net.hasUnmergedAdapters()) {
            throw new IllegalArgumentException("the adapters are merged into the weights already; write them before"
                    + " merging");
        }
        Files.createDirectories(dir);
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        for (ChameleonModel.Adapter ad : net.adapters()) {
            NDArray a = ad.a().getArray();                                       // (r, in)
            NDArray b = ad.b().getArray();                                       // (out, r)
            w.add(key(ad.layer(), ad.target(), true), Dtype.F32, a.getShape().getShape(), a.toFloatArray());
            w.add(key(ad.layer(), ad.target(), false), Dtype.F32, b.getShape().getShape(), b.toFloatArray());
        }
        w.write(dir.resolve(WEIGHTS));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("peft_type", "LORA");
        config.put("task_type", "CAUSAL_LM");
        config.put("r", lora.rank());
        config.put("lora_alpha", lora.alpha());
        config.put("lora_dropout", lora.dropout());
        config.put("target_modules", lora.targets());
        config.put("base_model_name_or_path", baseModel);
        config.put("bias", "none");
        config.put("fan_in_fan_out", false);
        config.put("inference_mode", true);
        Files.write(dir.resolve(CONFIG), JSON.writeValueAsBytes(config));
    }

    /**
     * Reads adapters written in this layout into the adapters of {@code net} (built with the same LoRA settings and
     * shape); every adapter must find both of its matrices with its shape.
     */
    public static void read(Path dir, ChameleonModel net) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(WEIGHTS))) {
            for (ChameleonModel.Adapter ad : net.adapters()) {
                load(f, key(ad.layer(), ad.target(), true), ad.a().getArray());
                load(f, key(ad.layer(), ad.target(), false), ad.b().getArray());
            }
        }
    }

    /** The LoRA settings of {@code adapter_config.json} in {@code dir}. */
    public static LoraConfig readConfig(Path dir) throws IOException {
        JsonNode c = new ObjectMapper().readTree(dir.resolve(CONFIG).toFile());
        if (!"LORA".equals(c.path("peft_type").asText())) {
            throw new IOException(dir.resolve(CONFIG) + ": peft_type is " + c.path("peft_type") + ", not LORA");
        }
        List<String> targets = new ArrayList<>();
        c.path("target_modules").forEach(t -> targets.add(t.asText()));
        return new LoraConfig(c.path("r").asInt(), c.path("lora_alpha").asDouble(), c.path("lora_dropout").asDouble(),
                targets);
    }

    private static void load(SafetensorsFile f, String key, NDArray into) throws IOException {
        if (!f.contains(key)) {
            throw new IOException(f.path() + " has no tensor " + key + "; it holds other adapters than the model's"
                    + " LoRA settings name");
        }
        long[] shape = f.tensor(key).shape();
        if (!java.util.Arrays.equals(shape, into.getShape().getShape())) {
            throw new IOException(f.path() + ": " + key + " has shape " + java.util.Arrays.toString(shape)
                    + " but the model's adapter is " + into.getShape());
        }
        into.set(FloatBuffer.wrap(f.readFloats(key)));
    }
}
