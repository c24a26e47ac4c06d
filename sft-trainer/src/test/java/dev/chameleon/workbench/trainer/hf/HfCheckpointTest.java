package dev.chameleon.workbench.trainer.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chameleon.workbench.trainer.hf.safetensors.Dtype;
import dev.chameleon.workbench.trainer.hf.safetensors.SafetensorsFile;
import dev.chameleon.workbench.trainer.hf.safetensors.SafetensorsWriter;
import dev.chameleon.workbench.trainer.hf.safetensors.ShardedSafetensors;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.text.ByteTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tiny Chameleon (random weights, two layers, GQA 4 query heads over 2 kv heads, QK-norm with random per-head gains
 * and biases) written in the Hugging Face layout and read back into a fresh model gives identical logits, in both
 * norm orders, from one file and from shards; what does not fit is refused with the tensor's name.
 */
@Tag("engine")
class HfCheckpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static TextTokenizer tokenizer() {
        return ByteTokenizer.smallest(16, 4);
    }

    static ModelConfig config(boolean swin) {
        int vocab = tokenizer().layout().size();
        return new ModelConfig(vocab, 32, 2, 4, 2, 48, 64, 10_000, 1e-5, true, swin, 0.0, 1e-5, false);
    }

    /** A model of {@code c} with every parameter, norms included, drawn from N(0, 0.5) by {@code seed}. */
    static ChameleonModel randomModel(NDManager m, ModelConfig c, long seed) {
        ChameleonModel model = new ChameleonModel(c);
        model.initialize(m, DataType.FLOAT32, new Shape(1, 8));
        Random r = new Random(seed);
        for (Pair<String, Parameter> p : model.getParameters()) {
            NDArray a = p.getValue().getArray();
            float[] v = new float[(int) a.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.5);
            }
            a.set(java.nio.FloatBuffer.wrap(v));
        }
        return model;
    }

    static ChameleonModel emptyModel(NDManager m, ModelConfig c) {
        ChameleonModel model = new ChameleonModel(c);
        model.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
        model.initialize(m, DataType.FLOAT32, new Shape(1, 8));
        return model;
    }

    static float[] logits(NDManager m, ChameleonModel model) {
        long[] ids = {0, 17, 33, 5, 40, 41, 9, 60, 2, 30, 31, 32};               // text, image codes and specials
        NDArray x = m.create(ids, new Shape(1, ids.length));
        return model.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void writesReadsAndGivesIdenticalLogitsInBothNormOrders(boolean swin) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfig c = config(swin);
            ChameleonModel original = randomModel(m, c, 7);
            Path out = tmp.resolve("hf-" + swin);
            HfCheckpoint.write(original, tokenizer(), Map.of(), out, Dtype.F32, HfCheckpoint.DEFAULT_SHARD_BYTES,
                    Map.of(), Map.of());

            assertThat(out.resolve("model.safetensors")).isRegularFile();
            try (SafetensorsFile f = SafetensorsFile.open(out.resolve("model.safetensors"))) {
                assertThat(f.metadata()).containsEntry("format", "pt");
                assertThat(f.tensor("model.layers.1.self_attn.q_norm.weight").shape()).containsExactly(4, 8);
                assertThat(f.tensor("model.layers.1.self_attn.k_norm.bias").shape()).containsExactly(2, 8);
                assertThat(f.tensor("model.layers.0.self_attn.k_proj.weight").shape()).containsExactly(16, 32);
            }
            JsonNode json = JSON.readTree(out.resolve("config.json").toFile());
            assertThat(json.get("model_type").asText()).isEqualTo("chameleon");
            assertThat(json.get("swin_norm").asBoolean()).isEqualTo(swin);
            assertThat(json.get("num_key_value_heads").asInt()).isEqualTo(2);
            assertThat(json.get("vocabulary_map").get("IMGIMGBZ").asInt()).isEqualTo(tokenizer().layout().imageToken(1));

            try (HfCheckpoint hf = HfCheckpoint.open(out)) {
                assertThat(hf.modelConfig().normReordering()).isEqualTo(swin);
                assertThat(hf.modelConfig().withVocabSize(c.vocabSize())).isEqualTo(c);
                ChameleonModel back = emptyModel(m, hf.modelConfig());
                int[] calls = {0};
                hf.loadInto(back, (done, total) -> calls[0] = total);
                assertThat(calls[0]).isEqualTo(back.getParameters().size());
                assertThat(logits(m, back)).containsExactly(logits(m, original));
            }
        }
    }

    @Test
    void loadingKeepsNoJavaCopyOfTheWeights() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfig c = config(false);
            Path out = tmp.resolve("direct");
            HfCheckpoint.write(randomModel(m, c, 5), tokenizer(), Map.of(), out, Dtype.F32,
                    HfCheckpoint.DEFAULT_SHARD_BYTES, Map.of(), Map.of());
            ChameleonModel back = emptyModel(m, c);
            long total = 0;
            long largest = 0;
            for (Pair<String, Parameter> p : back.getParameters()) {
                total += p.getValue().getArray().size() * 4;
                largest = Math.max(largest, p.getValue().getArray().size() * 4);
            }
            long before = directBytes();
            try (HfCheckpoint hf = HfCheckpoint.open(out)) {
                hf.loadInto(back, null);
            }
            // One staging buffer of the largest tensor, not a Java buffer behind every weight.
            assertThat(directBytes() - before).isLessThanOrEqualTo(largest + 4096).isLessThan(total / 2);
        }
    }

    private static long directBytes() {
        return java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)
                .stream().filter(b -> b.getName().equals("direct")).mapToLong(
                        java.lang.management.BufferPoolMXBean::getMemoryUsed).sum();
    }

    @Test
    void mapsEveryParameterOntoTransformersNames() {
        try (NDManager m = NDManager.newBaseManager()) {
            ChameleonModel model = emptyModel(m, config(false));
            Set<String> names = model.getParameters().keys().stream()
                    .map(n -> HfWeights.hfName(n).orElseThrow()).collect(Collectors.toCollection(TreeSet::new));
            Set<String> expected = new TreeSet<>(List.of("model.embed_tokens.weight", "model.norm.weight",
                    "lm_head.weight"));
            for (int l = 0; l < 2; l++) {
                for (String s : List.of("input_layernorm.weight", "post_attention_layernorm.weight",
                        "self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight",
                        "self_attn.o_proj.weight", "self_attn.q_norm.weight", "self_attn.q_norm.bias",
                        "self_attn.k_norm.weight", "self_attn.k_norm.bias", "mlp.gate_proj.weight",
                        "mlp.up_proj.weight", "mlp.down_proj.weight")) {
                    expected.add("model.layers." + l + "." + s);
                }
            }
            assertThat(names).isEqualTo(expected);
        }
    }

    @Test
    void readsShardsAndBf16() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfig c = config(false);
            ChameleonModel original = randomModel(m, c, 11);
            Path sharded = tmp.resolve("sharded");
            HfCheckpoint.write(original, tokenizer(), Map.of(), sharded, Dtype.F32, 8_000, Map.of(), Map.of());
            try (Stream<Path> s = Files.list(sharded)) {
                assertThat(s.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors"))
                        .count()).isGreaterThan(3);
            }
            assertThat(sharded.resolve(ShardedSafetensors.INDEX_FILE)).isRegularFile();
            try (HfCheckpoint hf = HfCheckpoint.open(sharded)) {
                ChameleonModel back = emptyModel(m, hf.modelConfig());
                hf.loadInto(back, null);
                assertThat(logits(m, back)).containsExactly(logits(m, original));
            }

            Path bf16 = tmp.resolve("bf16");
            HfCheckpoint.write(original, tokenizer(), Map.of(), bf16, Dtype.BF16, HfCheckpoint.DEFAULT_SHARD_BYTES,
                    Map.of(), Map.of());
            assertThat(Files.size(bf16.resolve("model.safetensors")))
                    .isLessThan(Files.size(tmp.resolve("sharded").resolve("model-00001-of-"
                            + String.format("%05d", countShards(sharded)) + ".safetensors")) * 100);
            try (HfCheckpoint hf = HfCheckpoint.open(bf16)) {
                ChameleonModel back = emptyModel(m, hf.modelConfig());
                hf.loadInto(back, null);
                float[] a = logits(m, original);
                float[] b = logits(m, back);
                double max = 0;
                for (int i = 0; i < a.length; i++) {
                    max = Math.max(max, Math.abs(a[i] - b[i]));
                }
                assertThat(max).isGreaterThan(0).isLessThan(0.5);   // bf16 keeps 8 bits of mantissa
            }
        }
    }

    private static long countShards(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")).count();
        }
    }

    @Test
    void refusesMissingWrongAndExtraTensorsNamingThem() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfig c = config(false);
            ChameleonModel original = randomModel(m, c, 3);
            Path good = tmp.resolve("good");
            HfCheckpoint.write(original, tokenizer(), Map.of(), good, Dtype.F32, HfCheckpoint.DEFAULT_SHARD_BYTES,
                    Map.of(), Map.of());

            // Rewrite the weights without one tensor, with one reshaped, and with one unknown bias.
            Path missing = copyWeights(good, "missing", "model.layers.1.mlp.up_proj.weight", null, null);
            assertThatThrownBy(() -> load(m, missing)).isInstanceOf(InvalidHfCheckpointException.class)
                    .hasMessageContaining("has no tensor model.layers.1.mlp.up_proj.weight");
            Path wrong = copyWeights(good, "wrong", null, "model.layers.0.self_attn.k_proj.weight", null);
            assertThatThrownBy(() -> load(m, wrong)).isInstanceOf(InvalidHfCheckpointException.class)
                    .hasMessageContaining("model.layers.0.self_attn.k_proj.weight has shape [32, 16]")
                    .hasMessageContaining("needs [16, 32]");
            Path extra = copyWeights(good, "extra", null, null, "model.layers.0.self_attn.q_proj.bias");
            assertThatThrownBy(() -> load(m, extra)).isInstanceOf(InvalidHfCheckpointException.class)
                    .hasMessageContaining("model.layers.0.self_attn.q_proj.bias");

            // What our model cannot hold is refused before any weight is read.
            Path biased = tmp.resolve("biased");
            Files.createDirectories(biased);
            String cfg = Files.readString(good.resolve("config.json")).replace("\"attention_bias\" : false",
                    "\"attention_bias\" : true");
            Files.writeString(biased.resolve("config.json"), cfg);
            Files.copy(good.resolve("model.safetensors"), biased.resolve("model.safetensors"));
            assertThatThrownBy(() -> HfCheckpoint.open(biased)).isInstanceOf(InvalidHfCheckpointException.class)
                    .hasMessageContaining("attention_bias is true");

            Path noWeights = tmp.resolve("no-weights");
            Files.createDirectories(noWeights);
            Files.copy(good.resolve("config.json"), noWeights.resolve("config.json"));
            assertThat(HfCheckpoint.isHfFolder(noWeights)).isFalse();
            assertThatThrownBy(() -> HfCheckpoint.open(noWeights)).isInstanceOf(InvalidHfCheckpointException.class)
                    .hasMessageContaining("holds no weights");

            assertThatThrownBy(() -> HfCheckpoint.write(original, tokenizer(), Map.of(), good, Dtype.F32,
                    HfCheckpoint.DEFAULT_SHARD_BYTES, Map.of(), Map.of()))
                    .hasMessageContaining("already exists and is not empty");
        }
    }

    private void load(NDManager m, Path dir) throws Exception {
        try (HfCheckpoint hf = HfCheckpoint.open(dir)) {
            hf.loadInto(emptyModel(m, hf.modelConfig()), null);
        }
    }

    /** A copy of {@code good}'s folder whose weights drop {@code drop}, transpose {@code transpose}, add {@code add}. */
    private Path copyWeights(Path good, String name, String drop, String transpose, String add) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.copy(good.resolve("config.json"), dir.resolve("config.json"));
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        try (SafetensorsFile f = SafetensorsFile.open(good.resolve("model.safetensors"))) {
            for (var t : f.tensors()) {
                if (t.name().equals(drop)) {
                    continue;
                }
                long[] shape = t.shape();
                if (t.name().equals(transpose)) {
                    shape = new long[] {shape[1], shape[0]};
                }
                w.add(t.name(), Dtype.F32, shape, f.readFloats(t.name()));
            }
        }
        if (add != null) {
            w.add(add, Dtype.F32, new long[] {32}, new float[32]);
        }
        w.write(dir.resolve("model.safetensors"));
        return dir;
    }
}
