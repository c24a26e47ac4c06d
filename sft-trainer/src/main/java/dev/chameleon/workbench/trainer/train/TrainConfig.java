package dev.chameleon.workbench.trainer.train;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.trainer.config.ConfigLoader;
import dev.chameleon.workbench.trainer.config.InvalidValueException;
import dev.chameleon.workbench.trainer.config.OptionalKey;
import dev.chameleon.workbench.trainer.finetune.BaseModel;
import dev.chameleon.workbench.trainer.model.LoraConfig;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * One SFT run, immutable and checked when loaded (presets in {@code configs/recipes/*.yaml}, read through
 * {@link ConfigLoader}; keys are the snake_case component names). Every key is required except the fine-tuning
 * ones marked optional below ({@code init_from}, {@code lora}, {@code train_only}), and {@code model} when
 * {@code init_from} is given.
 *
 * @param model             a preset name under configs/models ({@code tiny}) or a path to a ModelConfig YAML; with
 *                          init_from it may be left out (the shape comes from the checkpoint), and when given it must
 *                          describe the same shape, else the run is refused
 * @param snapshot          snapshot folder (examples.jsonl + manifest.json); relative paths resolve against the
 *                          working directory
 * @param textTokenizer     tokenizer.json
 * @param imageTokenizer    image tokenizer folder or checkpoint
 * @param mix               sampling weight per category wire name ({@code text}, {@code visual_chat}, ...);
 *                          categories not named are not sampled
 * @param seqLen            packed window length T (4096 in the paper)
 * @param batchSize         windows per micro-batch
 * @param gradAccum         micro-batches per optimizer step (effective batch = batch_size * grad_accum)
 * @param steps             optimizer steps
 * @param lr                peak learning rate
 * @param minLr             learning rate at the end of the cosine decay
 * @param warmupSteps       linear warm-up steps from lr/warmup_steps to lr
 * @param beta1             AdamW beta1 (0.9)
 * @param beta2             AdamW beta2 (0.95)
 * @param eps               AdamW epsilon (1e-5)
 * @param weightDecay       decoupled weight decay (0.1)
 * @param decayNormsAndEmbeddings also decay norm gains/biases and the token embedding (false by default)
 * @param clipNorm          global gradient-norm clip (1.0); 0 turns clipping off
 * @param zLossWeight       weight of log^2(Z) (1e-5)
 * @param dropout           dropout probability (0.05 in SFT), overrides the model preset's
 * @param seed              seeds initialization, data order and dropout
 * @param checkpointEvery   write a checkpoint every N steps (and at the last step)
 * @param keepLast          checkpoints kept on disk
 * @param outDir            folder for metrics.jsonl and checkpoints/
 * @param devices           where to train: {@code cpu}, {@code gpu} (the first GPU), {@code gpu:0,1} or
 *                          {@code all-gpus}; several devices split each micro-batch across them (data parallel),
 *                          see {@link Devices}
 * @param initFrom          optional: the weights to start from instead of random ones, a Hugging Face Chameleon
 *                          folder (config.json + safetensors) or one of our checkpoints (a step-N folder, or a run
 *                          folder for its newest); loaded before step 1 ({@link BaseModel})
 * @param lora              optional: train low-rank adapters ({@code rank}, {@code alpha}, {@code dropout},
 *                          {@code targets}) on the frozen init_from weights instead of every weight
 *                          ({@link LoraConfig}); checkpoints then hold the adapters alone
 * @param trainOnly         optional: {@code all} (the default) or {@code image_head_rows}: Anole's recipe, everything
 *                          frozen but the output head's rows of the image-code token ids (the text rows stay
 *                          bit-identical); checkpoints then hold the head alone
 */
public record TrainConfig(
        @OptionalKey String model,
        String snapshot,
        String textTokenizer,
        String imageTokenizer,
        Map<String, Double> mix,
        int seqLen,
        int batchSize,
        int gradAccum,
        int steps,
        double lr,
        double minLr,
        int warmupSteps,
        double beta1,
        double beta2,
        double eps,
        double weightDecay,
        boolean decayNormsAndEmbeddings,
        double clipNorm,
        double zLossWeight,
        double dropout,
        long seed,
        int checkpointEvery,
        int keepLast,
        String outDir,
        String devices,
        @OptionalKey String initFrom,
        @OptionalKey LoraConfig lora,
        @OptionalKey String trainOnly) {

    /** {@code train_only} value: every weight trains (or the adapters, with lora). */
    public static final String TRAIN_ALL = "all";
    /** {@code train_only} value: Anole's recipe, only the image-code rows of the output head train. */
    public static final String IMAGE_HEAD_ROWS = "image_head_rows";

    /** Rejects settings that cannot train, naming the field and the fix. */
    public TrainConfig {
        initFrom = initFrom == null || initFrom.isBlank() ? null : initFrom.strip();
        model = model == null || model.isBlank() ? null : model;
        if (initFrom == null) {
            nonBlank("model", model, "a preset name such as tiny, or a path to a model YAML (or init_from: a"
                    + " checkpoint to start from, whose shape is then used)");
        }
        trainOnly = trainOnly == null || trainOnly.isBlank() ? TRAIN_ALL : trainOnly.strip();
        if (!trainOnly.equals(TRAIN_ALL) && !trainOnly.equals(IMAGE_HEAD_ROWS)) {
            throw new InvalidValueException("train_only", "train_only '" + trainOnly + "' is not known; use "
                    + TRAIN_ALL + " (every weight) or " + IMAGE_HEAD_ROWS + " (Anole's recipe: only the output head's"
                    + " image-code rows)");
        }
        if (lora != null && initFrom == null) {
            throw new InvalidValueException("lora", "lora needs init_from: adapters train on the frozen weights of a"
                    + " checkpoint, and frozen random weights learn nothing; set init_from to a Hugging Face folder or"
                    + " one of our checkpoints, or remove lora");
        }
        if (trainOnly.equals(IMAGE_HEAD_ROWS) && initFrom == null) {
            throw new InvalidValueException("train_only", "train_only: " + IMAGE_HEAD_ROWS + " needs init_from: the"
                    + " rest of the model stays frozen, so it must come from a checkpoint; set init_from");
        }
        if (trainOnly.equals(IMAGE_HEAD_ROWS) && lora != null) {
            throw new InvalidValueException("train_only", "train_only: " + IMAGE_HEAD_ROWS + " and lora exclude each"
                    + " other (one trains the head's image rows, the other adapters); remove one of them");
        }
        nonBlank("snapshot", snapshot, "the snapshot folder holding examples.jsonl");
        nonBlank("text_tokenizer", textTokenizer, "the path of a tokenizer.json");
        nonBlank("image_tokenizer", imageTokenizer, "the image tokenizer folder");
        nonBlank("out_dir", outDir, "a folder for metrics and checkpoints");
        if (mix == null || mix.isEmpty()) {
            throw new InvalidValueException("mix", "mix must name at least one category with a positive weight,"
                    + " e.g. mix: {text: 1.0}");
        }
        double total = 0;
        for (Map.Entry<String, Double> e : mix.entrySet()) {
            Category c = category(e.getKey());
            if (c == null) {
                throw new InvalidValueException("mix/" + e.getKey(), "mix has unknown category '" + e.getKey() + "'; use one of"
                        + " text, code, visual_chat, image_generation, interleaved_generation, safety");
            }
            Double w = e.getValue();
            if (w == null || !(w >= 0) || w.isInfinite()) {
                throw new InvalidValueException("mix/" + e.getKey(), "mix weight of " + e.getKey() + " (" + w
                        + ") must be a finite number >= 0");
            }
            total += w;
        }
        if (!(total > 0)) {
            throw new InvalidValueException("mix", "mix weights sum to 0; give at least one category a positive weight");
        }
        mix = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(mix));
        positive("seq_len", seqLen);
        positive("batch_size", batchSize);
        positive("grad_accum", gradAccum);
        positive("steps", steps);
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new InvalidValueException("lr", "lr (" + lr + ") must be a positive finite number: the paper's SFT uses 1e-5");
        }
        if (!(minLr >= 0 && minLr <= lr)) {
            throw new InvalidValueException("min_lr", "min_lr (" + minLr + ") must be in [0, lr]; use 0 or e.g. lr/10");
        }
        if (warmupSteps < 0 || warmupSteps > steps) {
            throw new InvalidValueException("warmup_steps", "warmup_steps (" + warmupSteps + ") must be in [0, steps=" + steps + "]");
        }
        unit("beta1", beta1, "0.9");
        unit("beta2", beta2, "0.95");
        if (!(eps > 0) || eps >= 1) {
            throw new InvalidValueException("eps", "eps (" + eps + ") must be in (0, 1): use 1e-5");
        }
        if (!(weightDecay >= 0) || weightDecay >= 1) {
            throw new InvalidValueException("weight_decay", "weight_decay (" + weightDecay + ") must be in [0, 1): use 0.1");
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new InvalidValueException("clip_norm", "clip_norm (" + clipNorm + ") must be >= 0 and finite: use 1.0, 0 for no clipping");
        }
        if (!(zLossWeight >= 0) || Double.isInfinite(zLossWeight)) {
            throw new InvalidValueException("z_loss_weight", "z_loss_weight (" + zLossWeight + ") must be >= 0 and finite: use 1e-5");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new InvalidValueException("dropout", "dropout (" + dropout + ") must be in [0, 1): use 0.05 for SFT");
        }
        positive("checkpoint_every", checkpointEvery);
        positive("keep_last", keepLast);
        Devices.checkSyntax(devices);
        devices = devices.strip();
    }

    /** A run from random weights, every weight trained; the other fields as in the canonical constructor. */
    public TrainConfig(String model, String snapshot, String textTokenizer, String imageTokenizer,
            Map<String, Double> mix, int seqLen, int batchSize, int gradAccum, int steps, double lr, double minLr,
            int warmupSteps, double beta1, double beta2, double eps, double weightDecay,
            boolean decayNormsAndEmbeddings, double clipNorm, double zLossWeight, double dropout, long seed,
            int checkpointEvery, int keepLast, String outDir, String devices) {
        this(model, snapshot, textTokenizer, imageTokenizer, mix, seqLen, batchSize, gradAccum, steps, lr, minLr,
                warmupSteps, beta1, beta2, eps, weightDecay, decayNormsAndEmbeddings, clipNorm, zLossWeight, dropout,
                seed, checkpointEvery, keepLast, outDir, devices, null, null, TRAIN_ALL);
    }

    /** This config starting from {@code from} (init_from), with {@code lora} (or null) and {@code only} (train_only). */
    public TrainConfig fineTuning(String from, LoraConfig withLora, String only) {
        return new TrainConfig(model, snapshot, textTokenizer, imageTokenizer, mix, seqLen, batchSize, gradAccum,
                steps, lr, minLr, warmupSteps, beta1, beta2, eps, weightDecay, decayNormsAndEmbeddings, clipNorm,
                zLossWeight, dropout, seed, checkpointEvery, keepLast, outDir, devices, from, withLora, only);
    }

    /** Whether only part of the model trains (LoRA adapters, or the head's image rows): checkpoints hold that part. */
    public boolean partial() {
        return lora != null || trainOnly.equals(IMAGE_HEAD_ROWS);
    }

    /** A run on the CPU ({@code devices: cpu}); the other fields as in the canonical constructor. */
    public TrainConfig(String model, String snapshot, String textTokenizer, String imageTokenizer,
            Map<String, Double> mix, int seqLen, int batchSize, int gradAccum, int steps, double lr, double minLr,
            int warmupSteps, double beta1, double beta2, double eps, double weightDecay,
            boolean decayNormsAndEmbeddings, double clipNorm, double zLossWeight, double dropout, long seed,
            int checkpointEvery, int keepLast, String outDir) {
        this(model, snapshot, textTokenizer, imageTokenizer, mix, seqLen, batchSize, gradAccum, steps, lr, minLr,
                warmupSteps, beta1, beta2, eps, weightDecay, decayNormsAndEmbeddings, clipNorm, zLossWeight, dropout,
                seed, checkpointEvery, keepLast, outDir, "cpu");
    }

    /** Reads and validates a run config. */
    public static TrainConfig load(Path file) {
        return ConfigLoader.load(file, TrainConfig.class);
    }

    /** The sampling weight of each category (0 for those the mix does not name). */
    public Map<Category, Double> categoryWeights() {
        Map<Category, Double> out = new EnumMap<>(Category.class);
        for (Category c : Category.values()) {
            out.put(c, 0.0);
        }
        mix.forEach((k, v) -> out.put(category(k), v));
        return out;
    }

    /**
     * The model this run trains, with this run's dropout and z-loss weight: the shape of init_from when given (a
     * {@code model} that names another shape is refused), else the preset or file {@code model} names.
     */
    public ModelConfig resolveModel() {
        if (initFrom != null) {
            return withTraining(BaseModel.resolve(initFrom).checkAgainst(model == null ? null : namedModel(), model));
        }
        return withTraining(namedModel());
    }

    /** The preset or file {@code model} names, as written. */
    public ModelConfig namedModel() {
        if (model == null) {
            throw new InvalidValueException("model", "model is not given; the shape comes from init_from ("
                    + initFrom + ")");
        }
        return model.endsWith(".yaml") || model.endsWith(".yml")
                ? ConfigLoader.load(Path.of(model), ModelConfig.class)
                : ConfigLoader.preset("models", model, ModelConfig.class);
    }

    /** {@code base} with this run's dropout and z-loss weight. */
    public ModelConfig withTraining(ModelConfig b) {
        return new ModelConfig(b.vocabSize(), b.hidden(), b.layers(), b.heads(), b.kvHeads(), b.ffnHidden(),
                Math.max(b.maxContext(), seqLen), b.ropeTheta(), b.rmsEps(), b.qkNorm(), b.normReordering(), dropout,
                zLossWeight, b.tiedEmbeddings());
    }

    /** Effective batch in windows: batch_size * grad_accum. */
    public int effectiveBatch() {
        return batchSize * gradAccum;
    }

    private static Category category(String name) {
        try {
            return Category.parse(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void nonBlank(String field, String v, String fix) {
        if (v == null || v.isBlank()) {
            throw new InvalidValueException(field, field + " is empty; give " + fix);
        }
    }

    private static void positive(String field, int v) {
        if (v <= 0) {
            throw new InvalidValueException(field, field + " (" + v + ") must be a positive integer");
        }
    }

    private static void unit(String field, double v, String typical) {
        if (!(v >= 0 && v < 1)) {
            throw new InvalidValueException(field, field + " (" + v + ") must be in [0, 1): use " + typical);
        }
    }
}
