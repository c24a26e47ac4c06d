package dev.chameleon.workbench.web.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.snapshot.Snapshot;
import dev.chameleon.workbench.curation.store.DatasetSummary;
import dev.chameleon.workbench.trainer.config.ConfigLoader;
import dev.chameleon.workbench.trainer.config.TokenizerRecipe;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.tokens.image.VqConfig;
import dev.chameleon.workbench.trainer.train.Checkpoints;
import dev.chameleon.workbench.trainer.train.StepMetrics;
import dev.chameleon.workbench.trainer.train.TrainConfig;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * SFT runs of one workspace: configure, launch, queue, watch, cancel, resume, and find their checkpoints.
 *
 * <p>A run is a folder {@code WORKSPACE/runs/RUN-ID/} that holds everything about it, so it survives a restart of
 * the workbench and could be trained on another machine: {@code run.yaml} (the resolved
 * {@link TrainConfig}, absolute paths), {@code state.json} ({@link RunStatus}), {@code log.txt} (the child
 * processes' output), and what the trainer writes: {@code metrics.jsonl} and {@code checkpoints/step-N/}.
 *
 * <p>The trainer runs as a child process ({@code train --config RUN/run.yaml [--resume]}), so a crash of the
 * trainer never takes the web app down. Before a workspace's first run its tokenizers are trained the same way
 * ({@code train-text-tokenizer}, {@code train-image-tokenizer}) on the run's snapshot, into
 * {@code WORKSPACE/tokenizers/}, with the settings of a tokenizer preset ({@code configs/tokenizers}).
 *
 * <p>Runs queue on a fixed number of slots (one by default: a CPU trains one model at a time well). Listeners
 * hear a run's id whenever its state, metrics or log change.
 */
@Service
public class RunService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunService.class);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    /** Steps the ETA averages over. */
    private static final int PACE_WINDOW = 20;

    /** The run preset the form starts from. */
    public static final String DEFAULT_PRESET = "demo";

    private final Curation curation;
    private final Path runsDir;
    private final Path tokenizersDir;
    private final int slots;
    private final String tokenizerPreset;
    private final List<String> jvmOptions;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock tokenizerLock = new ReentrantLock();
    private final ExecutorService workers;
    private final ScheduledExecutorService monitor;
    private volatile Function<List<String>, List<String>> commandFactory;
    private volatile boolean closing;

    /**
     * @param slots           runs that train at the same time ({@code workbench.runs.parallel}, default 1)
     * @param tokenizerPreset a tokenizer preset name under configs/tokenizers, or a YAML file path
     *                        ({@code workbench.runs.tokenizers}, default demo)
     * @param jvmOptions      extra options for the trainer's JVM, space-separated ({@code workbench.runs.jvm-options})
     */
    @Autowired
    public RunService(Curation curation, @Value("${workbench.runs.parallel:1}") int slots,
                      @Value("${workbench.runs.tokenizers:demo}") String tokenizerPreset,
                      @Value("${workbench.runs.jvm-options:}") String jvmOptions) {
        this(curation, slots, tokenizerPreset, jvmOptions, null);
    }

    /** As the public constructor, with trainer command lines built by {@code commandFactory} (tests). */
    RunService(Curation curation, int slots, String tokenizerPreset, String jvmOptions,
               Function<List<String>, List<String>> commandFactory) {
        if (slots < 1) {
            throw new IllegalArgumentException("workbench.runs.parallel (" + slots + ") must be at least 1");
        }
        this.curation = curation;
        this.runsDir = curation.root().resolve("runs");
        this.tokenizersDir = curation.root().resolve("tokenizers");
        this.slots = slots;
        this.tokenizerPreset = tokenizerPreset;
        this.jvmOptions = jvmOptions.isBlank() ? List.of() : List.of(jvmOptions.trim().split("\\s+"));
        useCommandFactory(commandFactory);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(slots, r -> daemon(r, "workbench-run-" + n.incrementAndGet()));
        this.monitor = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "workbench-run-monitor"));
        recover();
        monitor.scheduleWithFixedDelay(this::pollSafely, 250, 250, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    // ---- configuring ---------------------------------------------------------------------------------------------

    /** Dataset names of the workspace. */
    public List<String> datasets() {
        return curation.datasets().stream().map(s -> s.dataset().name()).toList();
    }

    /** Run presets: the names of configs/recipes/*.yaml on the class path. */
    public List<String> presets() {
        return presetNames("recipes");
    }

    /** Model presets: the names of configs/models/*.yaml on the class path. */
    public List<String> models() {
        return presetNames("models");
    }

    /** A run preset as its YAML says. */
    public TrainConfig preset(String name) {
        return ConfigLoader.preset("recipes", name, TrainConfig.class);
    }

    /** The form's starting values: the preset's model, steps, lr, seq_len and mix, for {@code dataset}. */
    public RunRequest defaults(String dataset, String presetName) {
        TrainConfig p = preset(presetName);
        return new RunRequest(dataset, presetName, p.model(), p.steps(), p.lr(), p.seqLen(), p.mix());
    }

    /** The tokenizer preset new workspaces get their tokenizers from. */
    public TokenizerRecipe tokenizerRecipe() {
        String p = tokenizerPreset;
        if (p.endsWith(".yaml") || p.endsWith(".yml")) {
            return ConfigLoader.load(Path.of(p), TokenizerRecipe.class);
        }
        return ConfigLoader.preset("tokenizers", p, TokenizerRecipe.class);
    }

    /**
     * Checks a request without launching it.
     *
     * @throws InvalidRunException naming the form field and what to change
     */
    public void validate(RunRequest r) {
        if (r.dataset() == null || r.dataset().isBlank()) {
            throw new InvalidRunException("dataset", "Choose the dataset to train on");
        }
        DatasetSummary summary = curation.dataset(r.dataset()).orElseThrow(() -> new InvalidRunException("dataset",
                "There is no dataset named '" + r.dataset() + "'; choose one of " + String.join(", ", datasets())));
        if (summary.count(ReviewStatus.ACCEPTED) == 0) {
            throw new InvalidRunException("dataset", "Dataset '" + r.dataset() + "' has no accepted examples, and a run "
                    + "trains on a snapshot of the accepted ones; accept some in the Datasets view");
        }
        if (r.preset() == null || r.preset().isBlank()) {
            throw new InvalidRunException("preset", "Choose a run preset, e.g. " + DEFAULT_PRESET);
        }
        try {
            preset(r.preset());
        } catch (RuntimeException e) {
            throw new InvalidRunException("preset", "Run preset '" + r.preset() + "' cannot be used: " + e.getMessage());
        }
        if (r.model() == null || r.model().isBlank()) {
            throw new InvalidRunException("model", "Choose a model size, e.g. tiny");
        }
        if (!models().contains(r.model())) {
            throw new InvalidRunException("model", "There is no model preset '" + r.model() + "'; choose one of "
                    + String.join(", ", models()));
        }
        ConfigLoader.preset("models", r.model(), ModelConfig.class);
        Path here = runsDir.toAbsolutePath();
        resolve(r, here, here, here, here);
        checkImagesFit(r);
    }

    /** Image categories whose examples hold images. */
    private static final List<String> IMAGE_CATEGORIES = List.of("visual_chat", "image_generation",
            "interleaved_generation");
    /** Room a turn needs beside its image: role header, a question or caption. */
    private static final int TURN_MARGIN = 32;

    /**
     * Refuses a window too short for an image and its turn when image categories are sampled: the trainer would
     * cut every image out. Checked against the tokenizer preset the workspace's image tokenizer will be trained
     * with; an image tokenizer already there is not read here (that needs the engine).
     */
    private void checkImagesFit(RunRequest r) {
        boolean images = IMAGE_CATEGORIES.stream().anyMatch(c -> r.mix().getOrDefault(c, 0.0) > 0);
        if (!images || Files.isDirectory(imageTokenizer())) {
            return;
        }
        String vqPreset;
        int block;
        try {
            vqPreset = tokenizerRecipe().imageConfig();
            block = VqConfig.preset(vqPreset).codesPerImage() + 2;
        } catch (RuntimeException e) {
            return; // A broken tokenizer preset fails the run with its own message when it is trained.
        }
        if (r.seqLen() < block + TURN_MARGIN) {
            int enough = (block + TURN_MARGIN + 63) / 64 * 64;
            throw new InvalidRunException("seq_len", "seq_len " + r.seqLen() + " cannot hold an image and its turn: "
                    + "each image takes " + block + " tokens (begin-image, " + (block - 2) + " codes of the '" + vqPreset
                    + "' image tokenizer, end-image), so the trainer would cut the images out; use at least " + enough
                    + ", or set the weights of Visual Chat, Image Generation and Interleaved Generation to 0");
        }
    }

    /**
     * The run config a request resolves to: the preset with the request's overrides and these paths. The
     * schedule keeps its shape: min_lr scales with lr, and the warm-up with the steps.
     *
     * @throws InvalidRunException from TrainConfig's own checks, with the field they are about
     */
    public TrainConfig resolve(RunRequest r, Path snapshot, Path textTokenizer, Path imageTokenizer, Path outDir) {
        TrainConfig p = preset(r.preset());
        double minLr = p.lr() > 0 && r.lr() > 0 && Double.isFinite(r.lr()) ? p.minLr() * (r.lr() / p.lr()) : 0;
        int warmup = r.steps() == p.steps() ? p.warmupSteps()
                : (int) Math.max(0, Math.min(r.steps(), Math.round((double) p.warmupSteps() * r.steps() / p.steps())));
        try {
            return new TrainConfig(r.model(), snapshot.toAbsolutePath().toString(),
                    textTokenizer.toAbsolutePath().toString(), imageTokenizer.toAbsolutePath().toString(), r.mix(),
                    r.seqLen(), p.batchSize(), p.gradAccum(), r.steps(), r.lr(), minLr, warmup, p.beta1(), p.beta2(),
                    p.eps(), p.weightDecay(), p.decayNormsAndEmbeddings(), p.clipNorm(), p.zLossWeight(), p.dropout(),
                    p.seed(), p.checkpointEvery(), p.keepLast(), outDir.toAbsolutePath().toString(), p.devices());
        } catch (IllegalArgumentException e) {
            throw new InvalidRunException(fieldOf(e.getMessage()), e.getMessage());
        }
    }

    private static final Pattern MIX_CATEGORY = Pattern.compile("^mix (?:weight of |has unknown category ')([a-z_]+)");

    /** The form field a TrainConfig message is about: its first word, as the record's checks name them. */
    static String fieldOf(String message) {
        String first = message == null ? "" : message.split("[^a-z0-9_]", 2)[0];
        if (first.equals("mix")) {
            Matcher m = MIX_CATEGORY.matcher(message);
            return m.find() ? "mix." + m.group(1) : "mix";
        }
        return switch (first) {
            case "min_lr" -> "lr";
            case "warmup_steps" -> "steps";
            default -> first;
        };
    }

    // ---- launching, cancelling, resuming ------------------------------------------------------------------------

    /**
     * Validates the request, freezes a snapshot of the dataset, writes the run folder and queues the run.
     *
     * @throws InvalidRunException for a setting that cannot train (nothing is written then)
     */
    public RunInfo launch(RunRequest r) throws IOException {
        validate(r);
        Snapshot snapshot = curation.snapshot(r.dataset());
        String id = newId(r.dataset());
        Path dir = runsDir.resolve(id);
        Files.createDirectories(dir);
        TrainConfig config = resolve(r, snapshot.dir(), textTokenizer(), imageTokenizer(), dir);
        writeRunYaml(dir.resolve("run.yaml"), config, id, r);
        Files.writeString(dir.resolve("log.txt"), "");
        RunStatus status = new RunStatus(id, r.dataset(), r.preset(), snapshot.dir().toAbsolutePath().toString(),
                RunState.QUEUED, null, Instant.now().toString(), null, null, null, null, 0, config.steps(), 0);
        Run run = new Run(id, dir, status);
        runs.put(id, run);
        save(run);
        LOG.info("Queued run {} on {} v{} ({} examples)", id, r.dataset(), snapshot.version(), snapshot.examples());
        submit(run);
        changed(id);
        return info(run);
    }

    /** Stops a queued or running run; its process tree is killed, its checkpoints kept. */
    public void cancel(String id) {
        Run run = require(id);
        synchronized (run) {
            RunState s = run.status.state();
            if (s == RunState.QUEUED) {
                run.attempt++;
                run.status = run.status.finished(RunState.CANCELLED, null, "Cancelled before it started");
                save(run);
            } else if (s == RunState.PREPARING || s == RunState.RUNNING) {
                run.cancelRequested = true;
                ProcessHandle p = run.process();
                if (p != null) {
                    TrainerProcesses.destroyTree(p);
                }
            } else {
                throw new IllegalStateException("Run " + id + " is " + s.wireName()
                        + "; only queued, preparing or running runs can be cancelled");
            }
        }
        changed(id);
    }

    /**
     * Queues a failed, cancelled or interrupted run again; the trainer continues from the newest checkpoint in
     * the run folder (from the start when there is none).
     */
    public RunInfo resume(String id) {
        Run run = require(id);
        synchronized (run) {
            if (!run.status.state().resumable()) {
                throw new IllegalStateException("Run " + id + " is " + run.status.state().wireName()
                        + "; only failed, cancelled or interrupted runs can be resumed");
            }
            run.cancelRequested = false;
            run.attempt++;
            run.status = run.status.queued();
            save(run);
            appendLog(run, "== resume requested at " + Instant.now() + " ==");
        }
        submit(run);
        changed(id);
        return info(run);
    }

    // ---- reading ------------------------------------------------------------------------------------------------

    /** Every run, newest first. */
    public List<RunInfo> runs() {
        return runs.values().stream().map(this::info)
                .sorted(Comparator.comparing((RunInfo i) -> created(i.status())).reversed()
                        .thenComparing(RunInfo::id, Comparator.reverseOrder()))
                .toList();
    }

    private static Instant created(RunStatus s) {
        try {
            return Instant.parse(s.createdAt());
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    public Optional<RunInfo> run(String id) {
        Run run = runs.get(id);
        return run == null ? Optional.empty() : Optional.of(info(run));
    }

    /** The last {@code lines} lines of the run's log.txt (at most the last 64 KB). */
    public List<String> logTail(String id, int lines) {
        return tail(require(id).dir.resolve("log.txt"), lines);
    }

    /** Every checkpoint of every run, newest run first, lowest step first within a run. */
    public List<CheckpointRef> checkpoints() {
        return runs().stream().flatMap(r -> checkpoints(r.id()).stream()).toList();
    }

    /** A run's checkpoints ({@code RUN/checkpoints/step-N}), lowest step first. */
    public List<CheckpointRef> checkpoints(String runId) {
        Run run = require(runId);
        try {
            return new Checkpoints(run.dir, 1).list().stream()
                    .map(p -> new CheckpointRef(runId, Checkpoints.step(p), p, run.dir.resolve("run.yaml")))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The workspace's text tokenizer (trained before the first run when missing). */
    public Path textTokenizer() {
        return tokenizersDir.resolve("text").resolve("tokenizer.json");
    }

    /** The workspace's image tokenizer folder (trained before the first run when missing). */
    public Path imageTokenizer() {
        return tokenizersDir.resolve("image");
    }

    /** Whether the workspace has both tokenizers (else the next run trains them first). */
    public boolean hasTokenizers() {
        return Files.isRegularFile(textTokenizer()) && Files.isDirectory(imageTokenizer());
    }

    /** Calls {@code listener} with a run's id whenever it changes; close the result to stop. */
    public AutoCloseable subscribe(Consumer<String> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Replaces how trainer command lines are built (trainer arguments in, full command out); for tests. */
    void useCommandFactory(Function<List<String>, List<String>> factory) {
        this.commandFactory = factory != null ? factory : args -> TrainerProcesses.command(jvmOptions, args);
    }

    /** The trainer command line for {@code args}, as it would be launched now. */
    List<String> command(List<String> args) {
        return commandFactory.apply(args);
    }

    // ---- the worker: tokenizers, then the trainer --------------------------------------------------------------

    private void submit(Run run) {
        int attempt;
        synchronized (run) {
            attempt = run.attempt;
        }
        workers.execute(() -> execute(run, attempt));
    }

    private void execute(Run run, int attempt) {
        boolean resume;
        synchronized (run) {
            if (closing || run.attempt != attempt || run.status.state() != RunState.QUEUED) {
                return;
            }
            resume = run.status.launches() > 0;
            run.status = run.status.started(RunState.PREPARING);
            save(run);
        }
        changed(run.id);
        RunState end;
        Integer code = null;
        String error = null;
        try {
            prepareTokenizers(run);
            List<String> args = new ArrayList<>(List.of("train", "--config", run.dir.resolve("run.yaml").toString()));
            if (resume) {
                args.add("--resume");
            }
            appendLog(run, "== " + (resume ? "resuming" : "starting") + " the trainer at " + Instant.now() + " ==");
            code = runChild(run, args, RunState.RUNNING);
            if (code != 0) {
                throw new StepFailed("The trainer", code);
            }
            end = RunState.SUCCEEDED;
        } catch (StepFailed e) {
            code = e.code;
            end = RunState.FAILED;
            error = e.describe(run);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end = RunState.INTERRUPTED;
        } catch (IOException | RuntimeException e) {
            end = RunState.FAILED;
            error = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.warn("Run {} failed", run.id, e);
        }
        finish(run, end, code, error);
    }

    private void finish(Run run, RunState end, Integer code, String error) {
        synchronized (run) {
            ProcessHandle p = run.process();
            if (p != null && p.isAlive()) {
                TrainerProcesses.destroyTree(p);
            }
            run.process = null;
            run.metrics.poll();
            int step = lastStep(run);
            if (run.cancelRequested) {
                end = RunState.CANCELLED;
                error = "Cancelled by the user at step " + step + " of " + run.status.steps()
                        + "; resume continues from the newest checkpoint";
            } else if (closing && end != RunState.SUCCEEDED) {
                end = RunState.INTERRUPTED;
                error = "The workbench stopped during the run (at step " + step + "); resume it to continue from its "
                        + "newest checkpoint";
            }
            run.cancelRequested = false;
            run.status = run.status.atStep(step).finished(end, code, error);
            save(run);
            appendLog(run, "== " + end.wireName() + (error == null ? "" : ": " + error) + " ==");
        }
        LOG.info("Run {} {}", run.id, end.wireName());
        changed(run.id);
    }

    /** Trains the workspace's tokenizers on the run's snapshot unless they exist; one run at a time does this. */
    private void prepareTokenizers(Run run) throws IOException, InterruptedException, StepFailed {
        tokenizerLock.lockInterruptibly();
        try {
            Path text = textTokenizer();
            Path image = imageTokenizer();
            if (Files.isRegularFile(text) && Files.isDirectory(image)) {
                return;
            }
            TokenizerRecipe recipe = tokenizerRecipe();
            VqConfig vq = VqConfig.preset(recipe.imageConfig());
            Path snapshot = Path.of(run.status.snapshot());
            Files.createDirectories(text.getParent());
            if (!Files.isRegularFile(text)) {
                appendLog(run, "== training the text tokenizer (" + recipe.textVocabSize() + " ids, "
                        + vq.codebookSize() + " image codes) into " + text + " ==");
                Path partial = text.resolveSibling("tokenizer.json.partial");
                int code = runChild(run, List.of("train-text-tokenizer", "--input", snapshot.toString(),
                        "--vocab-size", Integer.toString(recipe.textVocabSize()),
                        "--codebook-size", Integer.toString(vq.codebookSize()), "--out", partial.toString()),
                        RunState.PREPARING);
                if (code != 0) {
                    throw new StepFailed("Training the text tokenizer", code);
                }
                Files.move(partial, text, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            if (!Files.isDirectory(image)) {
                Path images = snapshot.resolve("images");
                if (!hasFiles(images)) {
                    throw new IllegalStateException("The snapshot " + snapshot + " has no images to train the image "
                            + "tokenizer on; launch the first run from a dataset with images (the demo dataset has), "
                            + "or put an image tokenizer in " + image);
                }
                appendLog(run, "== training the image tokenizer (VQ preset " + recipe.imageConfig() + ", "
                        + recipe.imageSteps() + " steps) into " + image + " ==");
                Path partial = image.resolveSibling("image.partial");
                int code = runChild(run, List.of("train-image-tokenizer", "--images", images.toString(),
                        "--config", recipe.imageConfig(), "--out", partial.toString(),
                        "--steps", Integer.toString(recipe.imageSteps()),
                        "--batch-size", Integer.toString(recipe.imageBatchSize()),
                        "--lr", Double.toString(recipe.imageLr())), RunState.PREPARING);
                if (code != 0) {
                    throw new StepFailed("Training the image tokenizer", code);
                }
                Files.move(partial, image, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            tokenizerLock.unlock();
        }
    }

    /** Runs one child process with its output appended to the run's log; returns its exit code. */
    private int runChild(Run run, List<String> args, RunState state) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(commandFactory.apply(args))
                .directory(run.dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(run.dir.resolve("log.txt").toFile()));
        Process p;
        synchronized (run) {
            if (run.cancelRequested || closing) {
                return 130;
            }
            p = pb.start();
            run.process = p.toHandle();
            run.status = state == RunState.RUNNING ? run.status.launched(p.pid()) : run.status.withProcess(p.pid());
            run.pace.clear();
            save(run);
        }
        changed(run.id);
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            TrainerProcesses.destroyTree(p.toHandle());
            throw e;
        }
    }

    /** A child process that exited with an error. */
    private static final class StepFailed extends Exception {
        final String what;
        final int code;

        StepFailed(String what, int code) {
            super(what + " exited with code " + code);
            this.what = what;
            this.code = code;
        }

        /** "The trainer exited with code 1: error: ..." or "... was killed (signal 9)", and where it stopped. */
        String describe(Run run) {
            String last = null;
            for (String line : tail(run.dir.resolve("log.txt"), 200)) {
                if (line.startsWith("error: ") || line.startsWith("Exception in thread")
                        || line.contains("OutOfMemoryError")) {
                    last = line;
                }
            }
            String how = code > 128 ? what + " was killed (exit code " + code + ", signal " + (code - 128) + ")"
                    : what + " exited with code " + code;
            return how + (last == null ? "" : ": " + last) + ". At step " + lastStep(run) + " of " + run.status.steps()
                    + "; resume continues from the newest checkpoint.";
        }
    }

    // ---- watching -------------------------------------------------------------------------------------------------

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.warn("Watching runs failed", e);
        }
    }

    /** Reads new metrics and log output of the active runs and tells the listeners. */
    void poll() {
        for (Run run : runs.values()) {
            boolean changed = false;
            synchronized (run) {
                RunState s = run.status.state();
                if (s != RunState.RUNNING && s != RunState.PREPARING) {
                    continue;
                }
                if (run.metrics.poll()) {
                    int step = lastStep(run);
                    if (step != run.status.step()) {
                        run.status = run.status.atStep(step);
                        run.pace.addLast(new long[]{step, System.nanoTime()});
                        while (run.pace.size() > PACE_WINDOW) {
                            run.pace.removeFirst();
                        }
                    }
                    changed = true;
                }
                long logSize = size(run.dir.resolve("log.txt"));
                if (logSize != run.logSize) {
                    run.logSize = logSize;
                    changed = true;
                }
            }
            if (changed) {
                changed(run.id);
            }
        }
    }

    private void changed(String id) {
        for (Consumer<String> l : listeners) {
            try {
                l.accept(id);
            } catch (RuntimeException e) {
                LOG.debug("A run listener failed", e);
            }
        }
    }

    private RunInfo info(Run run) {
        synchronized (run) {
            List<StepMetrics> metrics = run.metrics.steps();
            RunStatus status = run.status;
            if (!metrics.isEmpty() && metrics.get(metrics.size() - 1).step() != status.step()) {
                status = status.atStep(metrics.get(metrics.size() - 1).step());
            }
            Optional<Duration> eta = Optional.empty();
            if (status.state() == RunState.RUNNING && run.pace.size() >= 2) {
                long[] first = run.pace.getFirst();
                long[] last = run.pace.getLast();
                double nanosPerStep = (double) (last[1] - first[1]) / (last[0] - first[0]);
                long left = Math.max(0, status.steps() - status.step());
                eta = Optional.of(Duration.ofNanos((long) (nanosPerStep * left)));
            }
            return new RunInfo(status, run.dir, metrics, eta);
        }
    }

    private static int lastStep(Run run) {
        List<StepMetrics> m = run.metrics.steps();
        return m.isEmpty() ? 0 : m.get(m.size() - 1).step();
    }

    // ---- the run folder -----------------------------------------------------------------------------------------

    private Run require(String id) {
        Run run = runs.get(id);
        if (run == null) {
            throw new IllegalArgumentException("There is no run '" + id + "' in " + runsDir);
        }
        return run;
    }

    private String newId(String dataset) {
        String base = LocalDateTime.now().format(ID_TIME) + "-" + dataset.replaceAll("[^A-Za-z0-9_-]", "_");
        String id = base;
        for (int i = 2; runs.containsKey(id) || Files.exists(runsDir.resolve(id)); i++) {
            id = base + "-" + i;
        }
        return id;
    }

    private static void writeRunYaml(Path file, TrainConfig config, String id, RunRequest r) throws IOException {
        String header = "# Run " + id + ": dataset " + r.dataset() + " (a frozen snapshot), preset " + r.preset()
                + " with the workbench's overrides; paths are absolute.\n"
                + "# Used by: java -jar sft-trainer.jar train --config " + file.toAbsolutePath()
                + " [--resume] (the workbench runs exactly this).\n";
        Files.writeString(file, header + YAML.writeValueAsString(config));
    }

    private static void save(Run run) {
        try {
            Path tmp = run.dir.resolve("state.json.tmp");
            JSON.writeValue(tmp.toFile(), run.status);
            Files.move(tmp, run.dir.resolve("state.json"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + run.dir.resolve("state.json") + ": " + e.getMessage(), e);
        }
    }

    private static void appendLog(Run run, String line) {
        try {
            Files.writeString(run.dir.resolve("log.txt"), line + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warn("Cannot write to the log of run {}: {}", run.id, e.getMessage());
        }
    }

    static List<String> tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, in.length() - 65_536);
            byte[] b = new byte[(int) (in.length() - start)];
            in.seek(start);
            in.readFully(b);
            List<String> all = new ArrayList<>(Arrays.asList(new String(b, StandardCharsets.UTF_8).split("\r?\n|\r")));
            if (start > 0 && !all.isEmpty()) {
                all.remove(0);
            }
            while (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
                all.remove(all.size() - 1);
            }
            return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static boolean hasFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(Files::isRegularFile);
        }
    }

    private static List<String> presetNames(String folder) {
        try {
            Resource[] found = new PathMatchingResourcePatternResolver(RunService.class.getClassLoader())
                    .getResources("classpath*:configs/" + folder + "/*.yaml");
            TreeSet<String> names = new TreeSet<>();
            for (Resource r : found) {
                String n = r.getFilename();
                if (n != null && n.endsWith(".yaml")) {
                    names.add(n.substring(0, n.length() - ".yaml".length()));
                }
            }
            return List.copyOf(names);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list configs/" + folder + " on the class path", e);
        }
    }

    // ---- restart ------------------------------------------------------------------------------------------------

    /**
     * Rebuilds the run list from {@code runs/*\/state.json}: queued runs queue again; a run whose trainer still
     * lives (the workbench was killed, not its child) is watched until it exits; a run that was active with no
     * live process is interrupted, and resumable.
     */
    private void recover() {
        if (!Files.isDirectory(runsDir)) {
            return;
        }
        List<Run> queued = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(runsDir)) {
            for (Path dir : dirs.sorted().toList()) {
                Path state = dir.resolve("state.json");
                if (!Files.isRegularFile(state)) {
                    continue;
                }
                RunStatus status;
                try {
                    status = JSON.readValue(state.toFile(), RunStatus.class);
                } catch (IOException e) {
                    LOG.warn("Skipping run folder {}: unreadable state.json ({})", dir, e.getMessage());
                    continue;
                }
                Run run = new Run(dir.getFileName().toString(), dir, status);
                run.metrics.poll();
                run.status = run.status.atStep(lastStep(run));
                runs.put(run.id, run);
                RunState s = status.state();
                if (s == RunState.QUEUED) {
                    queued.add(run);
                } else if (s == RunState.RUNNING || s == RunState.PREPARING) {
                    Optional<ProcessHandle> live = status.pid() == null ? Optional.empty()
                            : ProcessHandle.of(status.pid()).filter(ProcessHandle::isAlive);
                    Optional<ProcessHandle> trainer = live.filter(p -> TrainerProcesses.isTrainerFor(p, dir));
                    // A tokenizer trainer names the tokenizers folder; it is stopped and trained again on demand.
                    Optional<ProcessHandle> tokenizer = live.filter(p -> p.info().commandLine()
                            .map(c -> c.contains(tokenizersDir.toString())).orElse(false));
                    if (s == RunState.RUNNING && trainer.isPresent()) {
                        adopt(run, trainer.get());
                    } else {
                        trainer.or(() -> tokenizer).ifPresent(TrainerProcesses::destroyTree);
                        run.status = run.status.finished(RunState.INTERRUPTED, null, "The workbench stopped while the "
                                + "run was " + s.wireName() + " (at step " + lastStep(run) + " of " + status.steps()
                                + "); resume it to continue from its newest checkpoint");
                        save(run);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the runs in {}: {}", runsDir, e.getMessage());
        }
        queued.sort(Comparator.comparing(r -> created(r.status)));
        queued.forEach(this::submit);
    }

    /** Watches a trainer a previous workbench process started; it counts as done when its last step is in. */
    private void adopt(Run run, ProcessHandle process) {
        LOG.info("Run {}: its trainer (pid {}) is still running; watching it", run.id, process.pid());
        run.process = process;
        process.onExit().thenRun(() -> {
            synchronized (run) {
                run.metrics.poll();
                boolean done = lastStep(run) >= run.status.steps();
                run.process = null;
                if (run.status.state() == RunState.RUNNING) {
                    run.status = run.status.atStep(lastStep(run)).finished(
                            run.cancelRequested ? RunState.CANCELLED : done ? RunState.SUCCEEDED : RunState.INTERRUPTED,
                            null, done ? null : "The trainer stopped at step " + lastStep(run) + " of "
                                    + run.status.steps() + " while no workbench watched it; resume to continue");
                    run.cancelRequested = false;
                    save(run);
                }
            }
            changed(run.id);
        });
    }

    /** Stops the queue; running trainers are killed and their runs marked interrupted (resumable). */
    @PreDestroy
    @Override
    public void close() {
        closing = true;
        monitor.shutdownNow();
        for (Run run : runs.values()) {
            synchronized (run) {
                ProcessHandle p = run.process();
                if (p != null) {
                    TrainerProcesses.destroyTree(p);
                }
            }
        }
        workers.shutdownNow();
        try {
            workers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Run run : runs.values()) {
            synchronized (run) {
                RunState s = run.status.state();
                if (s == RunState.PREPARING || s == RunState.RUNNING) {
                    run.status = run.status.finished(RunState.INTERRUPTED, null, "The workbench stopped during the "
                            + "run; resume it to continue from its newest checkpoint");
                    save(run);
                }
            }
        }
    }

    /** One run's mutable state; every field is guarded by the object's monitor. */
    static final class Run {
        final String id;
        final Path dir;
        final MetricsTail metrics;
        final ArrayDeque<long[]> pace = new ArrayDeque<>();
        RunStatus status;
        ProcessHandle process;
        boolean cancelRequested;
        int attempt;
        long logSize = -1;

        Run(String id, Path dir, RunStatus status) {
            this.id = id;
            this.dir = dir;
            this.status = status;
            this.metrics = new MetricsTail(dir.resolve("metrics.jsonl"));
        }

        ProcessHandle process() {
            return process;
        }
    }

    /** Settings for logging, e.g. in a status line: slots and tokenizer preset. */
    @Override
    public String toString() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slots", slots);
        m.put("tokenizers", tokenizerPreset);
        m.put("runs", runsDir);
        return "RunService" + m;
    }
}
