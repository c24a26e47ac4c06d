package dev.chameleon.workbench.trainer.tokens.image;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import dev.chameleon.workbench.trainer.train.LrSchedule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Trains a {@link VqModel} one batch at a time.
 *
 * <p>Loss = reconstruction (L2 by default, mean squared error on [-1, 1] pixels; L1 on request)
 * + mean((sg[zq] - z)^2) + beta * mean((zq - sg[z])^2). The beta placement is the released Chameleon/taming
 * code's (docs/chameleon.md#tokens): beta weights the term that moves the codes. The quantizer is straight-through.
 *
 * <p>Dead codes: every {@code restartEvery} steps, each code not chosen in the last {@code deadAfter} steps is
 * overwritten with a random encoder output of the current batch, so the codebook stays in use.
 *
 * <p>Native memory: each step runs in a sub-manager plus an {@link NDScope}; the optimizer update runs after
 * the scope closes, because Adam creates its state lazily on the parameters' manager (docs/platform.md#native-memory).
 */
public final class VqTrainer implements AutoCloseable {

    public enum Reconstruction { L1, L2 }

    /**
     * @param learningRate  Adam learning rate
     * @param reconstruction L1 or L2 pixel loss
     * @param deadAfter     steps without being chosen after which a code counts as dead
     * @param restartEvery  steps between dead-code restarts; 0 turns restarts off
     * @param seed          seeds weight initialisation and restarts
     * @param decaySteps    steps over which the learning rate falls along a cosine from {@code learningRate} to a
     *                      tenth of it, counted from the step training starts (or resumes) at; 0 keeps it constant
     */
    public record Options(float learningRate, Reconstruction reconstruction, int deadAfter, int restartEvery,
                          long seed, int decaySteps) {
        public Options {
            if (!(learningRate > 0 && learningRate < 1)) {
                throw new IllegalArgumentException("learningRate must be in (0, 1), got " + learningRate);
            }
            if (deadAfter < 1) {
                throw new IllegalArgumentException("deadAfter must be at least 1 step, got " + deadAfter);
            }
            if (restartEvery < 0) {
                throw new IllegalArgumentException("restartEvery must be >= 0 (0 = never), got " + restartEvery);
            }
            if (decaySteps < 0) {
                throw new IllegalArgumentException("decaySteps must be >= 0 (0 = constant), got " + decaySteps);
            }
        }

        /** Adam at 2e-4, constant; what the tests and the benchmark use. */
        public static Options defaults() {
            return new Options(2e-4f, Reconstruction.L2, 100, 20, 42, 0);
        }

        /** These options with the learning rate falling to a tenth of {@code peak} over {@code steps} steps. */
        public Options withCosineDecay(float peak, int steps) {
            return new Options(peak, reconstruction, deadAfter, restartEvery, seed, steps);
        }

        /** The learning rate {@code done} steps after training started or resumed. */
        public float learningRateAt(long done) {
            if (decaySteps == 0) {
                return learningRate;
            }
            // The SFT trainer's schedule without warm-up: step decaySteps is its last, at the minimum.
            return (float) new LrSchedule(learningRate, learningRate / 10.0, 0, decaySteps + 1)
                    .at((int) Math.min(decaySteps, Math.max(0, done)));
        }
    }

    /** What one step did; losses are the batch means. */
    public record StepStats(long step, float loss, float reconstruction, float commitment, float codebook,
                            double gradientNorm, int codesInUse, int restarted, double millis) {
    }

    /** Receives every step's statistics. */
    @FunctionalInterface
    public interface Progress {
        void onStep(StepStats stats);
    }

    private final VqModel model;
    private final VqConfig config;
    private final NDManager manager;
    private final ParameterStore store;
    private final Optimizer optimizer;
    private final Options options;
    private final Random random;
    private final long[] lastChosen;
    private final long[] lastRestarted;
    /** The step training started or resumed at: the learning-rate schedule counts from it. */
    private final long firstStep;
    private long step;
    /** Test hook run between forward and backward: collect garbage, or fill freed native memory with NaN. */
    Runnable beforeBackward = () -> { };

    private VqTrainer(VqModel model, NDManager manager, long step, Options options) {
        this.model = model;
        this.config = model.config();
        this.manager = manager;
        this.store = new ParameterStore(manager, false);
        this.options = options;
        this.step = step;
        this.firstStep = step;
        this.random = new Random(options.seed() ^ step);
        // Adam counts updates per parameter; the schedule follows this trainer's step instead (the one in progress).
        this.optimizer = Adam.builder()
                .optLearningRateTracker((parameter, updates) -> options.learningRateAt(this.step - 1 - firstStep))
                .build();
        this.lastChosen = new long[config.codebookSize()];
        this.lastRestarted = new long[config.codebookSize()];
        Arrays.fill(lastChosen, Long.MIN_VALUE / 2);
        Arrays.fill(lastRestarted, step);
        for (Pair<String, Parameter> p : model.getParameters()) {
            p.getValue().getArray().setRequiresGradient(true);
        }
    }

    /** A fresh model of {@code config} with seeded random weights. */
    public static VqTrainer create(VqConfig config, Options options) {
        NDManager manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed((int) options.seed());
        VqModel model = new VqModel(config);
        model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
        return new VqTrainer(model, manager, 0, options);
    }

    /** Continues from a checkpoint: weights and step are restored, Adam's moments start from zero. */
    public static VqTrainer resume(Path checkpoint, Options options) throws IOException {
        NDManager manager = NDManager.newBaseManager();
        try {
            VqCheckpoint.Loaded loaded = VqCheckpoint.load(checkpoint, manager);
            return new VqTrainer(loaded.model(), manager, loaded.step(), options);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    VqModel model() {
        return model;
    }

    /** The number of weights being trained. */
    public long parameterCount() {
        return model.parameterCount();
    }

    /** The manager holding weights and optimizer state (tests count its arrays). */
    NDManager manager() {
        return manager;
    }

    public long step() {
        return step;
    }

    /** Codes chosen at least once in the last {@code deadAfter} steps. */
    public int codesInUse() {
        int n = 0;
        for (long t : lastChosen) {
            if (step - t < options.deadAfter()) {
                n++;
            }
        }
        return n;
    }

    /** A tokenizer that reads this trainer's current weights (valid until the trainer is closed). */
    public VqImageTokenizer tokenizer() {
        return new VqImageTokenizer(model, manager, false);
    }

    /**
     * One optimisation step on {@code count} images given as CHW floats in [-1, 1], image after image.
     *
     * @throws IllegalStateException when the loss is no longer finite, naming the step
     */
    public StepStats step(float[] images, int count) {
        int r = config.resolution();
        if (images.length != count * 3 * r * r) {
            throw new IllegalArgumentException("batch holds " + images.length + " floats, expected " + count
                    + " x 3 x " + r + " x " + r);
        }
        long start = System.nanoTime();
        step++;
        boolean restart = options.restartEvery() > 0 && step % options.restartEvery() == 0;
        float[] losses;
        long[] indices;
        float[] latents = null;
        double gradSquares = 0;
        try (NDManager sub = manager.newSubManager()) {
            try (NDScope scope = new NDScope()) {
                NDArray x = sub.create(images, new Shape(count, 3, r, r));                 // (B, 3, R, R)
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    VqModel.Pass pass = model.pass(store, x, true);
                    NDArray diff = pass.reconstruction().sub(x);                             // (B, 3, R, R)
                    NDArray rec = options.reconstruction() == Reconstruction.L2
                            ? diff.square().mean() : diff.abs().mean();                      // ()
                    NDArray beta = sub.full(new Shape(1), (float) config.beta());
                    NDArray loss = rec.add(pass.commitment()).add(pass.codebookLoss().mul(beta)); // (1)
                    beforeBackward.run();
                    collector.backward(loss);
                    losses = new float[] {loss.getFloat(0), rec.getFloat(), pass.commitment().getFloat(),
                            pass.codebookLoss().getFloat()};
                    indices = pass.indices().toLongArray();
                    if (restart) {
                        latents = pass.latents().toFloatArray();
                    }
                }
            }
            if (!Float.isFinite(losses[0])) {
                throw new IllegalStateException("VQ loss became " + losses[0] + " at step " + step
                        + "; lower the learning rate or check the inputs are in [-1, 1]");
            }
            for (Pair<String, Parameter> p : model.getParameters()) {
                NDArray weight = p.getValue().getArray();
                try (NDArray grad = weight.getGradient()) {
                    try (NDArray sq = grad.square(); NDArray sum = sq.sum()) {
                        gradSquares += sum.getFloat();
                    }
                    optimizer.update(p.getValue().getId(), weight, grad);
                    grad.subi(grad);
                }
            }
        }
        for (long i : indices) {
            lastChosen[(int) i] = step;
        }
        int restarted = restart ? restartDeadCodes(latents) : 0;
        return new StepStats(step, losses[0], losses[1], losses[2], losses[3], Math.sqrt(gradSquares),
                codesInUse(), restarted, (System.nanoTime() - start) / 1e6);
    }

    /** Overwrites each dead code with a random encoder output of the batch; returns how many were restarted. */
    int restartDeadCodes(float[] latents) {
        int d = config.embedDim();
        int rows = latents.length / d;
        NDArray codebook = model.codebook().getArray();
        float[] values = null;
        int restarted = 0;
        for (int c = 0; c < config.codebookSize(); c++) {
            if (step - Math.max(lastChosen[c], lastRestarted[c]) < options.deadAfter()) {
                continue;
            }
            if (values == null) {
                values = codebook.toFloatArray();
            }
            int row = random.nextInt(rows);
            for (int j = 0; j < d; j++) {
                values[c * d + j] = latents[row * d + j] + (float) (random.nextGaussian() * 1e-3);
            }
            lastRestarted[c] = step;
            restarted++;
        }
        if (values != null) {
            codebook.set(values);
        }
        return restarted;
    }

    /** Saves weights, config, step and provenance (see {@link VqCheckpoint}). */
    public void save(Path file, Map<String, String> provenance) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(provenance);
        all.putIfAbsent("seed", Long.toString(options.seed()));
        all.putIfAbsent("learningRate", Float.toString(options.learningRate()));
        all.putIfAbsent("reconstruction", options.reconstruction().name());
        all.putIfAbsent("djlVersion", Engine.getDjlVersion());
        VqCheckpoint.save(model, step, all, file);
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Runs {@code steps} steps over batches from {@code batches}, reporting each to {@code progress}. */
    public void train(int steps, Supplier<float[]> batches, int batchSize, Progress progress) {
        for (int i = 0; i < steps; i++) {
            StepStats s = step(batches.get(), batchSize);
            if (progress != null) {
                progress.onStep(s);
            }
        }
    }
}
