package dev.chameleon.workbench.trainer.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.chameleon.workbench.trainer.config.InvalidValueException;
import dev.chameleon.workbench.trainer.hf.HfCheckpoint;
import dev.chameleon.workbench.trainer.hf.safetensors.Dtype;
import dev.chameleon.workbench.trainer.hf.safetensors.SafetensorsFile;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.LoraConfig;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.text.ByteTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA adapters against the plain model: merging gives the adapted forward, the PEFT files carry the right names and
 * shapes and read back, and a Hugging Face folder as init_from starts the model at the source's logits.
 */
@Tag("engine")
class LoraMergeTest {

    private static final LoraConfig LORA = new LoraConfig(4, 8, 0.1, LoraConfig.ALL_TARGETS);

    @TempDir
    Path tmp;

    static TextTokenizer tokenizer() {
        return ByteTokenizer.smallest(16, 4);
    }

    static ModelConfig config() {
        return new ModelConfig(tokenizer().layout().size(), 32, 2, 4, 2, 48, 64, 10_000, 1e-5, true, false, 0.0,
                1e-5, false);
    }

    /** A model whose every parameter, adapters' B included, is drawn from N(0, 0.3) by {@code seed}. */
    static ChameleonModel randomModel(NDManager m, ModelConfig c, LoraConfig lora, long seed) {
        ChameleonModel model = new ChameleonModel(c, lora);
        model.initialize(m, DataType.FLOAT32, new Shape(1, 8));
        Random r = new Random(seed);
        for (Pair<String, Parameter> p : model.getParameters()) {
            NDArray a = p.getValue().getArray();
            float[] v = new float[(int) a.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.3);
            }
            a.set(java.nio.FloatBuffer.wrap(v));
        }
        return model;
    }

    static float[] logits(NDManager m, ChameleonModel model) {
        long[] ids = {0, 17, 33, 5, 40, 41, 9, 60, 2, 30, 31, 32};
        NDArray x = m.create(ids, new Shape(1, ids.length));
        return model.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray();
    }

    static float maxAbsDiff(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void mergeThenForwardEqualsAdapterForward() {
        try (NDManager m = NDManager.newBaseManager()) {
            ChameleonModel model = randomModel(m, config(), LORA, 3);
            ChameleonModel plain = randomModel(m, config(), null, 3);
            float[] adapted = logits(m, model);
            float[] base = logits(m, plain);
            assertThat(model.adapters()).hasSize(2 * 7);
            assertThat(maxAbsDiff(adapted, base)).as("the adapters change the logits").isGreaterThan(1e-3f);
            model.mergeLora();
            assertThat(model.hasUnmergedAdapters()).isFalse();
            assertThat(maxAbsDiff(logits(m, model), adapted)).isLessThan(1e-5f);
            // The cached decoding path sees the merged weights too.
            long[] ids = {0, 17, 33, 5, 40, 41, 9, 60, 2, 30, 31, 32};
            NDArray x = m.create(ids, new Shape(1, ids.length));
            NDArray pos = m.arange(0, ids.length, 1, DataType.INT64).reshape(1, ids.length);
            float[] cached = model.forwardCached(new ParameterStore(m, false), x, pos, null,
                    model.newCache(m, 1, 16), false).toFloatArray();
            assertThat(maxAbsDiff(cached, adapted)).isLessThan(1e-4f);
        }
    }

    @Test
    void peftFilesHaveTheRightNamesAndShapesAndReadBack() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfig c = config();
            ChameleonModel model = randomModel(m, c, LORA, 5);
            Path dir = tmp.resolve("peft");
            PeftAdapters.write(model, "checkpoints/base-hf", dir);
            try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(PeftAdapters.WEIGHTS))) {
                assertThat(f.names()).hasSize(2 * 7 * 2);
                assertThat(f.tensor("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight").shape())
                        .containsExactly(4, 32);
                assertThat(f.tensor("base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight").shape())
                        .containsExactly(16, 4);                                 // KV * hd = 2 * 8
                assertThat(f.tensor("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight").shape())
                        .containsExactly(4, 48);
                assertThat(f.tensor("base_model.model.model.layers.0.mlp.gate_proj.lora_B.weight").shape())
                        .containsExactly(48, 4);
            }
            assertThat(PeftAdapters.readConfig(dir)).isEqualTo(LORA);
            assertThat(java.nio.file.Files.readString(dir.resolve(PeftAdapters.CONFIG)))
                    .contains("\"peft_type\" : \"LORA\"", "\"base_model_name_or_path\" : \"checkpoints/base-hf\"",
                            "\"task_type\" : \"CAUSAL_LM\"", "\"bias\" : \"none\"");
            ChameleonModel back = randomModel(m, c, LORA, 5);
            for (ChameleonModel.Adapter a : back.adapters()) {
                a.b().getArray().set(java.nio.FloatBuffer.wrap(new float[(int) a.b().getArray().size()]));
            }
            PeftAdapters.read(dir, back);
            assertThat(logits(m, back)).containsExactly(logits(m, model));
        }
    }

    @Test
    void initFromAHuggingFaceFolderStartsAtTheSourceLogits() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfig c = config();
            ChameleonModel source = randomModel(m, c, null, 11);
            Path hf = tmp.resolve("hf");
            HfCheckpoint.write(source, tokenizer(), Map.of(), hf, Dtype.F32, HfCheckpoint.DEFAULT_SHARD_BYTES,
                    Map.of(), Map.of());
            BaseModel base = BaseModel.resolve(hf.toString());
            assertThat(base.kind()).isEqualTo(BaseModel.Kind.HUGGING_FACE);
            assertThat(base.model().withVocabSize(c.vocabSize())).isEqualTo(c);
            assertThat(base.provenance()).containsEntry("kind", "hugging_face").containsKey("config_sha256");
            // With LoRA the adapters' B starts at zero, so step 0 is the source model exactly.
            ChameleonModel start = new ChameleonModel(base.model(), LORA);
            start.initialize(m, DataType.FLOAT32, new Shape(1, 8));
            base.loadInto(start);
            assertThat(logits(m, start)).containsExactly(logits(m, source));
            // A model preset of another shape is refused, naming model.
            ModelConfig other = ModelConfig.of(c.vocabSize(), 64, 2, 4, 2, 48, 64);
            assertThatThrownBy(() -> base.checkAgainst(other, "small"))
                    .isInstanceOf(InvalidValueException.class)
                    .hasMessageContaining("model 'small'").hasMessageContaining("hidden 64 vs 32")
                    .hasMessageContaining("remove model");
            // Exporting an unmerged adapter model is refused; merged, it writes.
            assertThatThrownBy(() -> HfCheckpoint.write(start, tokenizer(), Map.of(), tmp.resolve("x"), Dtype.F32,
                    HfCheckpoint.DEFAULT_SHARD_BYTES, Map.of(), Map.of())).hasMessageContaining("merge");
            start.mergeLora();
            HfCheckpoint.write(start, tokenizer(), Map.of(), tmp.resolve("merged"), Dtype.F32,
                    HfCheckpoint.DEFAULT_SHARD_BYTES, Map.of(), Map.of());
            ChameleonModel back = new ChameleonModel(c);
            back.initialize(m, DataType.FLOAT32, new Shape(1, 8));
            BaseModel.resolve(tmp.resolve("merged").toString()).loadInto(back);
            assertThat(logits(m, back)).containsExactly(logits(m, source));
            assertThat(List.of(back.adapterParameters().size())).containsExactly(0);
        }
    }
}
