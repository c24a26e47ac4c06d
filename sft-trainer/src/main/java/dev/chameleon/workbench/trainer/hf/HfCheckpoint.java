package dev.chameleon.workbench.trainer.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import dev.chameleon.workbench.trainer.checkpoint.WeightCopy;
import dev.chameleon.workbench.trainer.hf.safetensors.Dtype;
import dev.chameleon.workbench.trainer.hf.safetensors.ShardedSafetensors;
import dev.chameleon.workbench.trainer.hf.safetensors.ShardedSafetensorsWriter;
import dev.chameleon.workbench.trainer.hf.safetensors.TensorInfo;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A Chameleon checkpoint folder in the Hugging Face layout, read into our model and written from it
 * (docs/chameleon.md#hugging-face-layout):
 *
 * <pre>
 *   DIR/config.json                         transformers' ChameleonConfig ({@link HfChameleonConfig})
 *   DIR/model.safetensors                   or model-0000N-of-0000M.safetensors + model.safetensors.index.json
 *   DIR/tokenizer.json                      the text tokenizer, image codes named IMGIMG...Z
 * </pre>
 *
 * <p>Reading streams one tensor at a time from the memory-mapped files into the model's arrays, converting F32, F16
 * or BF16 to the model's float32 on the way, through one reusable staging buffer ({@link WeightCopy}): loading needs
 * the model's size plus its largest tensor, never twice the model. Weight names map as {@link HfWeights} says;
 * tensors of the image tokenizer ({@code model.vqmodel.*}) are left to the image-tokenizer loader.
 *
 * <p>Writing puts every parameter in one dtype (F32 keeps logits identical on reading back; BF16 halves the size
 * as the released checkpoints are), sharded at {@code maxShardBytes}, with {@code __metadata__ {"format": "pt"}} so
 * that transformers' {@code from_pretrained} takes it, into a temporary sibling folder renamed into place at the end.
 */
public final class HfCheckpoint implements Closeable {

    /** The config file of the layout. */
    public static final String CONFIG = "config.json";
    /** The text tokenizer file of the layout. */
    public static final String TOKENIZER = "tokenizer.json";
    /** Hugging Face's default shard size, 5 GB. */
    public static final long DEFAULT_SHARD_BYTES = 5_000_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final HfChameleonConfig config;
    private final ShardedSafetensors weights;

    private HfCheckpoint(Path dir, HfChameleonConfig config, ShardedSafetensors weights) {
        this.dir = dir;
        this.config = config;
        this.weights = weights;
    }

    /** Whether {@code dir} looks like a checkpoint in this layout: config.json beside safetensors weights. */
    public static boolean isHfFolder(Path dir) {
        return dir != null && Files.isRegularFile(dir.resolve(CONFIG))
                && (Files.isRegularFile(dir.resolve(ShardedSafetensors.SINGLE_FILE))
                    || Files.isRegularFile(dir.resolve(ShardedSafetensors.INDEX_FILE)));
    }

    /**
     * Opens {@code dir}: reads config.json, refuses what our model cannot hold ({@link HfChameleonConfig#unsupported})
     * and opens the weights (single file or index). Nothing is loaded yet.
     */
    public static HfCheckpoint open(Path dir) throws IOException {
        HfChameleonConfig config = HfChameleonConfig.read(dir);
        List<String> unsupported = config.unsupported();
        if (!unsupported.isEmpty()) {
            throw new InvalidHfCheckpointException(dir.resolve(CONFIG), "this checkpoint uses what the workbench's"
                    + " model cannot hold: " + String.join("; ", unsupported) + ". Use a Chameleon checkpoint without"
                    + " these (Chameleon 7B/30B, Anole 7B and Lumina-mGPT have none of them)");
        }
        if (config.tieWordEmbeddings()) {
            throw new InvalidHfCheckpointException(dir.resolve(CONFIG), "tie_word_embeddings is true, but Chameleon"
                    + " unties the embedding and the output head and so does our model; use an untied checkpoint");
        }
        ShardedSafetensors weights;
        try {
            weights = ShardedSafetensors.open(dir);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InvalidHfCheckpointException(dir, "holds no weights: expected " + ShardedSafetensors.SINGLE_FILE
                    + " or " + ShardedSafetensors.INDEX_FILE + " with its shards beside config.json (PyTorch .bin"
                    + " weights are not read: convert them to safetensors first)");
        }
        return new HfCheckpoint(dir, config, weights);
    }

    /** The folder. */
    public Path dir() {
        return dir;
    }

    /** Its config.json. */
    public HfChameleonConfig config() {
        return config;
    }

    /** Our model's shape for it. */
    public ModelConfig modelConfig() {
        return config.toModelConfig();
    }

    /** The weights, for readers of the other parts (the image tokenizer under {@link HfWeights#VQ_PREFIX}). */
    public ShardedSafetensors weights() {
        return weights;
    }

    /** The text tokenizer file, when the folder has one. */
    public Optional<Path> tokenizer() {
        Path t = dir.resolve(TOKENIZER);
        return Files.isRegularFile(t) ? Optional.of(t) : Optional.empty();
    }

    /**
     * Loads the language model's weights into {@code model}, which must have been built from {@link #modelConfig()}
     * (and initialised), with or without LoRA adapters (they are left as they are). Every base parameter must find its tensor with the same number of elements and the same
     * non-unit dimensions; a language-model tensor that no parameter takes is refused too, since it would mean the
     * checkpoint computes something our model does not.
     *
     * @param progress told (tensors done, tensors in all) after each tensor; may be null
     */
    public void loadInto(ChameleonModel model, Progress progress) throws IOException {
        PairList<String, Parameter> params = model.baseParameters();             // LoRA adapters are not in it
        Set<String> expected = new HashSet<>();
        List<String[]> plan = new ArrayList<>();                                // {our name, hf name}
        for (Pair<String, Parameter> p : params) {
            String hf = HfWeights.hfName(p.getKey()).orElseThrow(() -> new IllegalStateException(
                    "no Hugging Face name for parameter " + p.getKey()));
            plan.add(new String[] {p.getKey(), hf});
            expected.add(hf);
        }
        Set<String> extra = new TreeSet<>();
        for (String name : weights.names()) {
            if (HfWeights.isLanguageModel(name) && !expected.contains(name)) {
                extra.add(name);
            }
        }
        if (!extra.isEmpty()) {
            throw new InvalidHfCheckpointException(dir, "holds language-model tensors our model has no place for: "
                    + first(extra, 5) + "; the checkpoint is not a plain Chameleon (biases, tied or extra layers?),"
                    + " or config.json does not describe it (check num_hidden_layers)");
        }
        WeightCopy copy = WeightCopy.forLargestOf(params);
        int done = 0;
        for (String[] entry : plan) {
            Parameter p = params.get(entry[0]);
            NDArray array = p.getArray();
            if (!weights.contains(entry[1])) {
                throw new InvalidHfCheckpointException(dir, "has no tensor " + entry[1] + ", which the model its "
                        + CONFIG + " describes needs; the download is incomplete (check every shard of "
                        + ShardedSafetensors.INDEX_FILE + ") or config.json belongs to another model");
            }
            TensorInfo t = weights.tensor(entry[1]);
            long[] ours = array.getShape().getShape();
            if (!sameShape(ours, t.shape())) {
                throw new InvalidHfCheckpointException(weights.shardOf(entry[1]), "tensor " + entry[1] + " has shape "
                        + Arrays.toString(t.shape()) + " but config.json's model needs " + Arrays.toString(hfShape(ours))
                        + "; config.json does not describe these weights");
            }
            weights.readFloats(entry[1], copy.floats());
            copy.assign(array);
            done++;
            if (progress != null) {
                progress.tensorLoaded(done, plan.size());
            }
        }
    }

    /** Told after each tensor is read. */
    @FunctionalInterface
    public interface Progress {
        void tensorLoaded(int done, int total);
    }

    @Override
    public void close() throws IOException {
        weights.close();
    }

    /**
     * Writes {@code model} to {@code out} in the Hugging Face layout: config.json (with {@code vocabulary_map} from
     * the tokenizer's token names and {@code extraConfig} entries, e.g. the image tokenizer's {@code vq_config}),
     * safetensors shards of {@code dtype}, and copies of {@code files} (name in the folder to source file: the
     * text tokenizer as {@link #TOKENIZER}, our image tokenizer, ...). {@code out} must not exist or be empty; the
     * folder appears whole or not at all.
     *
     * @param extraTensors more tensors to store beside the language model (the image tokenizer's
     *                     {@code model.vqmodel.*}), name to (shape, values); may be empty
     */
    public static void write(ChameleonModel model, TextTokenizer tokenizer, Map<String, Path> files, Path out, Dtype dtype,
            long maxShardBytes, Map<String, Object> extraConfig, Map<String, Pair<long[], float[]>> extraTensors)
            throws IOException {
        ModelConfig c = model.config();
        if (!c.qkNorm()) {
            throw new InvalidHfCheckpointException(out, "the model has qk_norm off, but every Chameleon in the Hugging"
                    + " Face layout normalises queries and keys (q_norm, k_norm) and no weights make that an identity;"
                    + " only models trained with qk_norm: true can be exported");
        }
        if (c.tiedEmbeddings()) {
            throw new InvalidHfCheckpointException(out, "the model ties its embedding and output head; the Hugging"
                    + " Face Chameleon does not, train with tied_embeddings: false");
        }
        if (model.hasUnmergedAdapters()) {
            throw new InvalidHfCheckpointException(out, "the model has LoRA adapters that are not merged; merge them"
                    + " first (ChameleonModel.mergeLora), or write them alone in the PEFT layout");
        }
        if (!dtype.isFloat()) {
            throw new IllegalArgumentException("dtype must be a float type (F32, F16, BF16), got " + dtype);
        }
        if (Files.exists(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new InvalidHfCheckpointException(out, "already exists and is not empty; choose a new"
                            + " folder, or delete this one first");
                }
            }
        }
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve("." + out.getFileName() + ".tmp-export");
        Checkpoint.deleteTree(tmp);
        Files.createDirectories(tmp);
        try {
            ShardedSafetensorsWriter w = new ShardedSafetensorsWriter(maxShardBytes).metadata("format", "pt");
            for (Pair<String, Parameter> p : model.baseParameters()) {             // merged adapters are in these
                String hf = HfWeights.hfName(p.getKey()).orElseThrow(() -> new IllegalStateException(
                        "no Hugging Face name for parameter " + p.getKey()));
                NDArray a = p.getValue().getArray();
                long[] shape = hfShape(a.getShape().getShape());
                w.add(hf, dtype, shape, sink -> {
                    float[] values = a.toFloatArray();                          // one tensor on the heap at a time
                    sink.put(values, 0, values.length);
                });
            }
            for (Map.Entry<String, Pair<long[], float[]>> e : extraTensors.entrySet()) {
                w.add(e.getKey(), dtype, e.getValue().getKey(), e.getValue().getValue());
            }
            w.write(tmp);
            Map<String, Object> json = configJson(c, tokenizer, dtype);
            json.putAll(extraConfig);
            Files.write(tmp.resolve(CONFIG), JSON.writeValueAsBytes(json));
            for (Map.Entry<String, Path> f : files.entrySet()) {
                Files.copy(f.getValue(), tmp.resolve(f.getKey()));
            }
            if (Files.exists(out)) {
                Files.delete(out);
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Checkpoint.deleteTree(tmp);
            throw e;
        }
    }

    /** transformers' ChameleonConfig for {@code c}, with the tokenizer's special ids and every token's name. */
    static Map<String, Object> configJson(ModelConfig c, TextTokenizer tokenizer, Dtype dtype) {
        VocabularyLayout l = tokenizer.layout();
        Map<String, Integer> vocabulary = new LinkedHashMap<>();
        for (int id = 0; id < l.size(); id++) {
            String name = l.isImageCode(id) ? VocabularyLayout.imageCodeName(l.imageCode(id)) : tokenizer.tokenName(id);
            vocabulary.putIfAbsent(name, id);
        }
        Map<String, Object> json = modelConfigJson(c, dtype);
        json.put("bos_token_id", l.bos());
        json.put("eos_token_id", l.eos());
        json.put("pad_token_id", l.pad());
        Integer image = vocabulary.get("<image>");
        if (image != null) {
            json.put("image_token_id", image);
        }
        json.put("vocabulary_map", vocabulary);
        return json;
    }

    /** The shape part of transformers' ChameleonConfig for {@code c}: sizes, norms, rotary base, dtype; no tokens. */
    public static Map<String, Object> modelConfigJson(ModelConfig c, Dtype dtype) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("architectures", List.of("ChameleonForConditionalGeneration"));
        json.put("model_type", "chameleon");
        json.put("vocab_size", c.vocabSize());
        json.put("hidden_size", c.hidden());
        json.put("intermediate_size", c.ffnHidden());
        json.put("num_hidden_layers", c.layers());
        json.put("num_attention_heads", c.heads());
        json.put("num_key_value_heads", c.kvHeads());
        json.put("max_position_embeddings", c.maxContext());
        json.put("rope_theta", c.ropeTheta());
        json.put("rms_norm_eps", c.rmsEps());
        json.put("hidden_act", "silu");
        json.put("attention_bias", false);
        json.put("mlp_bias", false);
        json.put("attention_dropout", c.dropout());
        json.put("model_parallel_size", 1);
        json.put("swin_norm", c.normReordering());
        json.put("tie_word_embeddings", false);
        json.put("torch_dtype", switch (dtype) {
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            default -> "float32";
        });
        return json;
    }

    /** Our shape with the per-head norm's unit axis (n, 1, hd) dropped, as Hugging Face stores it (n, hd). */
    static long[] hfShape(long[] ours) {
        if (ours.length == 3 && ours[1] == 1) {
            return new long[] {ours[0], ours[2]};
        }
        return ours;
    }

    private static boolean sameShape(long[] ours, long[] hf) {
        return Arrays.equals(hfShape(ours), hf);
    }

    private static String first(Set<String> names, int n) {
        List<String> list = new ArrayList<>(names);
        String shown = String.join(", ", list.subList(0, Math.min(n, list.size())));
        return list.size() > n ? shown + " and " + (list.size() - n) + " more" : shown;
    }

}
