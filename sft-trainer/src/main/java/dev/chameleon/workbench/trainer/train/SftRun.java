package dev.chameleon.workbench.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.chameleon.workbench.curation.model.Category;
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
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SFT recipe, top to bottom: setup (seed, model, AdamW, resume), data (rendered examples, weighted
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
     * @param metrics      the steps this invocation ran
     * @param startStep    steps already done when it began (from the checkpoint resumed)
     * @param checkpoints  checkpoint folders on disk at the end, oldest first
     */
    public record Result(List<StepMetrics> metrics, int startStep, List<Path> checkpoints) {
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
        // ---- setup: folders, seed, model, optimizer, resume
        Path out = Path.of(config.outDir());
        Files.createDirectories(out);
        Checkpoints checkpoints = new Checkpoints(out, config.keepLast());
        checkpoints.removeUnfinished();
        int b = config.batchSize();
        int t = config.seqLen();
        Engine.getInstance().setRandomSeed((int) config.seed());
        List<StepMetrics> done = new ArrayList<>();
        int start = 0;
        try (NDManager runManager = NDManager.newBaseManager()) {
            ChameleonModel net = new ChameleonModel(model);
            net.initialize(runManager, DataType.FLOAT32, new Shape(b, t));
            PairList<String, Parameter> params = net.getParameters();
            AdamW optimizer = new AdamW(params, runManager, config.beta1(), config.beta2(), config.eps(),
                    config.weightDecay(), config.decayNormsAndEmbeddings());
            if (!resume && checkpoints.latest().isPresent()) {
                throw new IllegalStateException(out + " already holds checkpoints (" + checkpoints.latest().get()
                        + "); pass --resume to continue that run, or choose another out_dir");
            }
            if (resume && checkpoints.latest().isPresent()) {
                Path latest = checkpoints.latest().get();
                Checkpoints.load(latest, params, optimizer);
                start = (int) Checkpoints.step(latest);
                console.println("resumed from " + latest + " at step " + start);
            }
            ParameterStore store = new ParameterStore(runManager, false);

            // ---- data: weighted sampling over categories, packed windows, reusable host batch
            WindowStream stream = new WindowStream(examples, config.categoryWeights(), t, padToken, config.seed(),
                    Math.max(4 * config.effectiveBatch(), 16));
            Batch batch = new Batch(b, t);
            LrSchedule schedule = LrSchedule.of(config);
            Path metricsFile = out.resolve("metrics.jsonl");
            keepMetricsUpTo(metricsFile, start);

            // ---- train loop
            try (BufferedWriter metrics = Files.newBufferedWriter(metricsFile, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                for (int s = start; s < config.steps(); s++) {
                    StepMetrics m = step(config, s, net, store, optimizer, stream, batch, schedule, runManager);
                    done.add(m);
                    metrics.write(JSON_LINES.writeValueAsString(m));
                    metrics.newLine();
                    metrics.flush();
                    console.println(m.progressLine(config.steps()));
                    console.flush();

                    // ---- checkpoint: every N steps and at the end, atomically, keep-last-N
                    if (m.step() % config.checkpointEvery() == 0 || m.step() == config.steps()) {
                        checkpoints.write(m.step(), params, optimizer, provenance.json(m.step()));
                    }
                    if (listener != null) {
                        listener.afterStep(m, runManager);
                    }
                }
            }
        }
        // ---- cleanup: the run manager closed every native array of the run
        return new Result(List.copyOf(done), start, checkpoints.list());
    }

    /**
     * One optimizer step: grad_accum micro-batches under one gradient collector, the global norm (one host sync),
     * clip factor, AdamW. Everything native it creates dies with the step's scope and sub-manager.
     */
    static StepMetrics step(TrainConfig config, int s, ChameleonModel net, ParameterStore store, AdamW optimizer,
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
        try (NDScope scope = new NDScope(); NDManager sm = runManager.newSubManager()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                for (int k = 0; k < accum; k++) {
                    batch.fill(stream, firstWindow + (long) k * b);
                    realTokens += batch.realTokens;
                    NDList inputs = batch.inputs(sm);
                    NDArray logits = net.forward(store, inputs, true).head();                      // (B, T, V)
                    SftLoss loss = SftLoss.compute(logits, batch.targets(sm), batch.weights(sm), lossTokens,
                            config.zLossWeight());
                    collector.backward(loss.total());
                    float[] nll = loss.nll().toFloatArray();
                    z += loss.z().getFloat();
                    for (int i = 0; i < nll.length; i++) {
                        if (batch.weights[i] != 0f) {
                            ceSum += nll[i];
                            catSum[batch.category[i]] += nll[i];
                            catCount[batch.category[i]]++;
                            modSum[batch.modality[i]] += nll[i];
                            modCount[batch.modality[i]]++;
                        }
                    }
                }
            }
            norm = optimizer.gradientNorm();
            optimizer.step(lr, AdamW.clipScale(norm, config.clipNorm()));
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
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON_LINES.readTree(line);
            } catch (IOException e) {
                continue; // a line cut by a crash
            }
            if (n.has("step") && n.get("step").asInt() <= step) {
                kept.add(line);
            }
        }
        Files.write(file, kept, StandardCharsets.UTF_8);
    }
}
