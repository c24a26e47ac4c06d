package dev.chameleon.workbench.trainer.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import dev.chameleon.workbench.trainer.checkpoint.CheckpointInfo;
import dev.chameleon.workbench.trainer.finetune.BaseModel;
import dev.chameleon.workbench.trainer.finetune.PeftAdapters;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.render.Modality;
import dev.chameleon.workbench.trainer.render.RenderedExample;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The SFT recipe, top to bottom: setup (seed, model, what trains, AdamW, init_from weights, resume), data (rendered examples, weighted
 * sampling, packing, micro-batches), the train loop (warm-up + cosine LR, gradient accumulation, global-norm
 * clipping, metrics), checkpoints, cleanup. Each part is a small class of this package.
 *
 * <p>Deterministic on CPU: initialization is seeded, window i of the data depends only on the seed and i, and
 * dropout is re-seeded from (seed, step) at every step; with the AdamW moments in each checkpoint, a resumed run
 * repeats the losses of the uninterrupted one.
 */
public final class SftRun {

    /** Called after each step (and after its checkpoint, if one was due); a test hook. */
    public interface StepListener {
        void afterStep(StepMetrics metrics, NDManager runManager);
    }

    /**
     * What one invocation did, in a size that does not grow with the run (every step's metrics are in
     * OUT/metrics.jsonl, or reach a {@link StepListener} as they happen).
     *
     * @param startStep           steps already done when it began (from the checkpoint resumed)
     * @param stepsRun            optimizer steps this invocation ran (0 when the run was already complete)
     * @param firstLoss           loss of its first step (NaN when it ran none)
     * @param last                metrics of its last step (null when it ran none)
     * @param meanTokensPerSecond mean of the steps' real tokens per second (NaN when it ran none)
     * @param checkpoints         checkpoint folders on disk at the end, oldest first
     */
    public record Result(int startStep, int stepsRun, double firstLoss, StepMetrics last, double meanTokensPerSecond,
                         List<Path> checkpoints) {

        /** Loss of the last step (NaN when it ran none). */
        public double lastLoss() {
            return last == null ? Double.NaN : last.loss();
        }
    }

    private static final ObjectMapper JSON_LINES = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private SftRun() {
    }

    /**
     * Trains {@code model} on {@code examples} as {@code config} says.
     *
     * @param padToken   token id of padding
     * @param provenance written into every checkpoint
     * @param resume     continue from the newest checkpoint in out_dir/checkpoints (a fresh start if none)
     * @param console    receives one progress line per step
     * @param listener   may be null
     */
    public static Result run(TrainConfig config, ModelConfig model, List<RenderedExample> examples, int padToken,
            Provenance provenance, boolean resume, PrintWriter console, StepListener listener) throws IOException {
        return run(config, model, examples, padToken, null, provenance, resume, console, listener);
    }

    /**
     * {@link #run} with the token ids of the image codes, {from, to}: the rows Anole's recipe
     * ({@code train_only: image_head_rows}) trains; may be null for every other run.
     */
    public static Result run(TrainConfig config, ModelConfig model, List<RenderedExample> examples, int padToken,
            int[] imageRows, Provenance provenance, boolean resume, PrintWriter console, StepListener listener)
            throws IOException {
        List<Device> devices = Devices.resolve(config.devices(), Engine.getInstance().getGpuCount(),
                config.batchSize());
        return run(config, model, examples, padToken, imageRows, provenance, resume, console, listener, devices);
    }

    /** {@link #run} on the given devices (tests name the CPU twice to exercise the data-parallel path). */
    static Result run(TrainConfig config, ModelConfig model, List<RenderedExample> examples, int padToken,
            Provenance provenance, boolean resume, PrintWriter console, StepListener listener, List<Device> devices)
            throws IOException {
        return run(config, model, examples, padToken, null, provenance, resume, console, listener, devices);
    }

    private static Result run(TrainConfig config, ModelConfig model, List<RenderedExample> examples, int padToken,
            int[] imageRows, Provenance provenance, boolean resume, PrintWriter console, StepListener listener,
            List<Device> devices) throws IOException {
        // ---- setup: folders, seed, model, optimizer, resume
        Path out = Path.of(config.outDir());
        Files.createDirectories(out);
        Checkpoint.removeUnfinished(out);
        int b = config.batchSize();
        int t = config.seqLen();
        Engine.getInstance().setRandomSeed((int) config.seed());
        int start = 0;
        int ran = 0;
        double firstLoss = Double.NaN;
        double tokensPerSecondSum = 0;
        StepMetrics last = null;
        try (NDManager runManager = NDManager.newBaseManager(devices.get(0))) {
            BaseModel base = config.initFrom() == null ? null : BaseModel.resolve(config.initFrom());
            ChameleonModel net = new ChameleonModel(model, config.lora());
            net.initialize(runManager, DataType.FLOAT32, new Shape(b, t));
            // What trains: every weight, the LoRA adapters, or the head's image rows; the rest is frozen (no
            // gradient is computed or kept for it) and, in a partial run, left out of checkpoints.
            PairList<String, Parameter> trained = Trainable.select(config, net);
            Map<String, long[]> rows = Trainable.rowRanges(config, net, imageRows);
            AdamW optimizer = new AdamW(trained, runManager, config.beta1(), config.beta2(), config.eps(),
                    config.weightDecay(), config.decayNormsAndEmbeddings(), rows);
            console.println(Trainable.describe(config, net, optimizer.trainedElements()));
            PairList<String, Parameter> saved = config.partial() ? trained : net.getParameters();
            Optional<CheckpointInfo> newest = CheckpointInfo.latest(out);
            if (!resume && newest.isPresent()) {
                throw new IllegalStateException(out + " already holds checkpoints (" + newest.get().dir()
                        + "); pass --resume to continue that run, or choose another out_dir");
            }
            boolean resuming = resume && newest.isPresent();
            if (base != null) {
                provenance = provenance.withBase(base.provenance());
                // A whole checkpoint being resumed replaces every weight; a partial one only what trained.
                if (!resuming || config.partial()) {
                    base.loadInto(net);                                          // before step 1
                    console.println("weights from " + base.dir() + " (" + base.kind() + ")");
                }
            }
            if (resuming) {
                Path latest = newest.get().dir();
                Checkpoint.readModel(latest, saved);
                Checkpoint.readOptimizer(latest, optimizer::load);
                start = (int) newest.get().step();
                console.println("resumed from " + latest + " at step " + start);
            }
            DataParallel replicas = new DataParallel(net.getParameters(), devices, runManager);
            if (devices.size() > 1) {
                console.println("data parallel over " + devices + ": each micro-batch of " + b
                        + " windows is split across them");
            }

            // ---- data: weighted sampling over categories, packed windows, reusable host batch
            WindowStream stream = WindowStream.of(config, examples, padToken);
            Batch batch = new Batch(b, t);
            LrSchedule schedule = LrSchedule.of(config);
            Path metricsFile = out.resolve("metrics.jsonl");
            keepMetricsUpTo(metricsFile, start);

            // ---- train loop
            try (BufferedWriter metrics = Files.newBufferedWriter(metricsFile, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                for (int s = start; s < config.steps(); s++) {
                    StepMetrics m = step(config, s, net, replicas, optimizer, stream, batch, schedule, runManager);
                    firstLoss = ran == 0 ? m.loss() : firstLoss;
                    ran++;
                    tokensPerSecondSum += m.tokensPerSecond();
                    last = m;
                    metrics.write(JSON_LINES.writeValueAsString(m));
                    metrics.newLine();
                    metrics.flush();
                    console.println(m.progressLine(config.steps()));
                    console.flush();

                    // ---- checkpoint: every N steps and at the end, atomically, keep-last-N
                    if (m.step() % config.checkpointEvery() == 0 || m.step() == config.steps()) {
                        Path written = Checkpoint.write(out, m.step(), saved, optimizer::save,
                                provenance.json(m.step()), config.keepLast());
                        if (config.lora() != null) {
                            // The same adapters in PEFT's layout beside model.bin, for transformers + peft.
                            PeftAdapters.write(net, config.initFrom(), written);
                        }
                    }
                    if (listener != null) {
                        listener.afterStep(m, runManager);
                    }
                }
            }
        }
        // ---- cleanup: the run manager closed every native array of the run
        return new Result(start, ran, firstLoss, last, ran == 0 ? Double.NaN : tokensPerSecondSum / ran,
                CheckpointInfo.ofRun(out).stream().map(CheckpointInfo::dir).toList());
    }

    /**
     * One optimizer step: grad_accum micro-batches under one gradient collector, each split across the replicas
     * of {@link DataParallel}, their gradients summed onto the first device, the global norm (one host sync),
     * clip factor, AdamW, new weights copied to the replicas. Everything native it creates dies with the step's
     * scope and sub-manager.
     */
    static StepMetrics step(TrainConfig config, int s, ChameleonModel net, DataParallel replicas, AdamW optimizer,
            WindowStream stream, Batch batch, LrSchedule schedule, NDManager runManager) {
        long began = System.nanoTime();
        Engine.getInstance().setRandomSeed((int) (config.seed() * 1_000_003L + s)); // dropout of step s
        int accum = config.gradAccum();
        int b = config.batchSize();
        long firstWindow = (long) s * accum * b;
        // The loss is a mean over the whole effective batch: count its answer tokens first (host only).
        long lossTokens = 0;
        for (int k = 0; k < accum; k++) {
            batch.fill(stream, firstWindow + (long) k * b);
            lossTokens += batch.lossTokens;
        }
        int categories = Category.values().length;
        double[] catSum = new double[categories];
        long[] catCount = new long[categories];
        double[] modSum = new double[Modality.values().length];
        long[] modCount = new long[Modality.values().length];
        double ceSum = 0;
        double z = 0;
        long realTokens = 0;
        double lr = schedule.at(s);
        float norm;
        int slices = replicas.size();
        SftLoss[] losses = new SftLoss[slices];
        try (NDScope scope = new NDScope(); NDManager sm = runManager.newSubManager()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                for (int k = 0; k < accum; k++) {
                    batch.fill(stream, firstWindow + (long) k * b);
                    realTokens += batch.realTokens;
                    // Every slice is launched before any result is read back, so devices can overlap.
                    for (int r = 0; r < slices; r++) {
                        int from = replicas.sliceStart(r, b);
                        int to = replicas.sliceStart(r + 1, b);
                        NDManager dm = r == 0 ? sm : sm.newSubManager(replicas.device(r));
                        NDList inputs = batch.inputs(dm, from, to);
                        NDArray logits = net.forward(replicas.store(r), inputs, true).head();    // (R, T, V)
                        losses[r] = SftLoss.compute(logits, batch.targets(dm, from, to),
                                batch.weights(dm, from, to), lossTokens, config.zLossWeight());
                        collector.backward(losses[r].total());
                    }
                    for (int r = 0; r < slices; r++) {
                        float[] nll = losses[r].nll().toFloatArray();                            // (R * T)
                        z += losses[r].z().getFloat();
                        int offset = replicas.sliceStart(r, b) * config.seqLen();
                        for (int i = 0; i < nll.length; i++) {
                            int j = offset + i;
                            if (batch.weights[j] != 0f) {
                                ceSum += nll[i];
                                catSum[batch.category[j]] += nll[i];
                                catCount[batch.category[j]]++;
                                modSum[batch.modality[j]] += nll[i];
                                modCount[batch.modality[j]]++;
                            }
                        }
                    }
                }
            }
            replicas.reduceGradients();
            norm = optimizer.gradientNorm();
            optimizer.step(lr, AdamW.clipScale(norm, config.clipNorm()));
            replicas.broadcast();
        }
        double seconds = Math.max(1e-9, (System.nanoTime() - began) / 1e9);
        double ce = ceSum / Math.max(1, lossTokens);
        Map<String, Double> perCategory = new TreeMap<>();
        for (Category c : Category.values()) {
            if (catCount[c.ordinal()] > 0) {
                perCategory.put(c.wireName(), catSum[c.ordinal()] / catCount[c.ordinal()]);
            }
        }
        Map<String, Double> perModality = new TreeMap<>();
        for (Modality m : Modality.values()) {
            if (modCount[m.ordinal()] > 0) {
                perModality.put(m.name().toLowerCase(java.util.Locale.ROOT), modSum[m.ordinal()] / modCount[m.ordinal()]);
            }
        }
        double fill = realTokens / (double) ((long) accum * b * config.seqLen());
        return new StepMetrics(s + 1, ce + config.zLossWeight() * z, ce, z, perCategory, perModality, lr, norm,
                realTokens / seconds, fill, lossTokens);
    }

    /** On resume, drops metric lines of steps after the checkpoint, which the resumed run writes again. */
    static void keepMetricsUpTo(Path file, int step) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        List<String> kept = new ArrayList<>();
        boolean dropped = false;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON_LINES.readTree(line);
            } catch (IOException e) {
                dropped = true;
                continue; // a line cut by a crash
            }
            if (n.has("step") && n.get("step").asInt() <= step) {
                kept.add(line);
            } else {
                dropped = true;
            }
        }
        if (!dropped) {
            return;
        }
        // A new file moved over the old one, not a truncation in place: a crash mid-write keeps the old lines, and a
        // reader following the file (the web UI's metrics tail) sees another file instead of one that shrank and
        // then, once the resumed run has appended, grew past its read offset (it would skip the lines in between).
        Path tmp = file.resolveSibling(file.getFileName() + ".partial");
        Files.write(tmp, kept, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
