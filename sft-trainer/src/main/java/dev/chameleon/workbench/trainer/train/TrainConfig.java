package dev.chameleon.workbench.trainer.train;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.trainer.config.ConfigLoader;
import dev.chameleon.workbench.trainer.config.InvalidValueException;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * One SFT run, immutable and checked when loaded (presets in {@code configs/recipes/*.yaml}, read through
 * {@link ConfigLoader}; keys are the snake_case component names). Every key is required.
 *
 * @param model             a preset name under configs/models ({@code tiny}) or a path to a ModelConfig YAML
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
 */
public record TrainConfig(
        String model,
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
        String devices) {

    /** Rejects settings that cannot train, naming the field and the fix. */
    public TrainConfig {
        nonBlank("model", model, "a preset name such as tiny, or a path to a model YAML");
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

    /** The model preset or file this run names, with this run's dropout and z-loss weight. */
    public ModelConfig resolveModel() {
        ModelConfig base = model.endsWith(".yaml") || model.endsWith(".yml")
                ? ConfigLoader.load(Path.of(model), ModelConfig.class)
                : ConfigLoader.preset("models", model, ModelConfig.class);
        return withTraining(base);
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
