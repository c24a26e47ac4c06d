package dev.chameleon.workbench.web.runs;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.snapshot.Snapshot;
import dev.chameleon.workbench.trainer.config.TokenizerRecipe;
import dev.chameleon.workbench.trainer.checkpoint.CheckpointInfo;
import dev.chameleon.workbench.trainer.train.MemoryEstimate;
import dev.chameleon.workbench.trainer.train.TrainConfig;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

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
 *
 * <p>This class wires the parts that do the work: {@link RunPlanner} (presets, validation), {@link RunFolder}
 * (the folder's files), {@link Tokenizers}, {@link RunSupervisor} (the queue of child processes, cancel, resume),
 * {@link RunWatcher} (metrics, ETA) and {@link RunRecovery} (restart).
 */
@Service
public class RunService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunService.class);

    /** The run preset the form starts from. */
    public static final String DEFAULT_PRESET = "demo";

    private final Curation curation;
    private final Path runsDir;
    private final int slots;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final Tokenizers tokenizers;
    private final RunPlanner planner;
    private final RunSupervisor supervisor;
    private final RunWatcher watcher;

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
        this.slots = slots;
        this.tokenizers = new Tokenizers(curation.root().resolve("tokenizers"), tokenizerPreset);
        this.planner = new RunPlanner(curation, tokenizers, runsDir);
        List<String> jvm = jvmOptions.isBlank() ? List.of() : List.of(jvmOptions.trim().split("\\s+"));
        this.supervisor = new RunSupervisor(slots, tokenizers, jvm, commandFactory, this::changed);
        this.watcher = new RunWatcher(runs.values(), this::changed);
        new RunRecovery(runsDir, tokenizers.dir(), this::changed).recover(runs, supervisor::submit);
        watcher.start();
    }

    // ---- configuring ---------------------------------------------------------------------------------------------

    /** Dataset names of the workspace. */
    public List<String> datasets() {
        return planner.datasets();
    }

    /** Run presets: the names of configs/recipes/*.yaml on the class path. */
    public List<String> presets() {
        return planner.presets();
    }

    /** Model presets: the names of configs/models/*.yaml on the class path. */
    public List<String> models() {
        return planner.models();
    }

    /** A run preset as its YAML says. */
    public TrainConfig preset(String name) {
        return planner.preset(name);
    }

    /** The form's starting values: the preset's model, steps, lr, seq_len and mix, for {@code dataset}. */
    public RunRequest defaults(String dataset, String presetName) {
        return planner.defaults(dataset, presetName);
    }

    /**
     * One line on the memory a run would need and whether this machine has it, e.g. "Memory needed: about 1.2 GiB
     * (weights 0.1, ...); this machine has 23 GiB: fits"; empty while the preset, model or sequence length is
     * missing, and the reason when a preset cannot be read. The machine is the JVM's view of physical memory.
     */
    public String memoryNote(String presetName, String model, Integer seqLen) {
        return memoryNote(presetName, model, seqLen, null);
    }

    /**
     * As above for a run that starts from the checkpoint {@code initFrom} (null or blank: random weights), whose
     * shape replaces the model size; a preset with LoRA or the image-head recipe counts gradients and optimizer state
     * for what it trains only. The formula is a floor: {@link #MEASURED_OVERHEAD} says how far above it real runs
     * peaked here, and "fits" is judged against that.
     */
    public String memoryNote(String presetName, String model, Integer seqLen, String initFrom) {
        boolean fromCheckpoint = initFrom != null && !initFrom.isBlank();
        if (presetName == null || (model == null && !fromCheckpoint) || seqLen == null || seqLen <= 0) {
            return "";
        }
        MemoryEstimate e;
        try {
            e = planner.memory(presetName, model, seqLen, initFrom);
        } catch (RuntimeException ex) {
            return "Memory needed: unknown (" + ex.getMessage() + ")";
        }
        long machine = machineMemory();
        long planned = (long) (e.total() * MEASURED_OVERHEAD);
        String line = "Memory needed: about " + MemoryEstimate.gib(e.total()) + " GiB by the formula (" + e.parts()
                + "); runs here peaked at up to " + MEASURED_OVERHEAD + "x that, so plan for "
                + MemoryEstimate.gib(planned) + " GiB; this machine has "
                + Math.round(machine / (1024.0 * 1024 * 1024)) + " GiB: ";
        return line + (planned <= machine ? "fits"
                : "does not fit: lower the sequence length, use a smaller model, or a LoRA preset");
    }

    /**
     * Measured peak memory growth over MemoryEstimate's figure for full fine-tuning on CPU (glibc malloc): 2.26x for the
     * small preset at T=256, batch 2, and 2.61x for medium at T=512, batch 1 (benchmarks/scripts/bench-hf-load.sh).
     */
    static final double MEASURED_OVERHEAD = 2.6;

    /** Physical memory as the JVM sees it, in bytes. */
    static long machineMemory() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
    }

    /** The tokenizer preset new workspaces get their tokenizers from. */
    public TokenizerRecipe tokenizerRecipe() {
        return tokenizers.recipe();
    }

    /**
     * Checks a request without launching it.
     *
     * @throws InvalidRunException naming the form field and what to change
     */
    public void validate(RunRequest r) {
        planner.validate(r);
    }

    /**
     * The run config a request resolves to: the preset with the request's overrides and these paths. The
     * schedule keeps its shape: min_lr scales with lr, and the warm-up with the steps.
     *
     * @throws InvalidRunException from TrainConfig's own checks, with the field they are about
     */
    public TrainConfig resolve(RunRequest r, Path snapshot, Path textTokenizer, Path imageTokenizer, Path outDir) {
        return planner.resolve(r, snapshot, textTokenizer, imageTokenizer, outDir);
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
        String id = RunFolder.newId(runsDir, r.dataset(), runs::containsKey);
        Path dir = runsDir.resolve(id);
        Files.createDirectories(dir);
        TrainConfig config = resolve(r, snapshot.dir(), textTokenizer(), imageTokenizer(), dir);
        RunFolder.writeRunYaml(dir, config, id, r);
        Files.writeString(dir.resolve(RunFolder.LOG), "");
        RunStatus status = new RunStatus(id, r.dataset(), r.preset(), snapshot.dir().toAbsolutePath().toString(),
                RunState.QUEUED, null, Instant.now().toString(), null, null, null, null, 0, config.steps(), 0);
        Run run = new Run(id, dir, status);
        runs.put(id, run);
        RunFolder.save(run);
        LOG.info("Queued run {} on {} v{} ({} examples)", id, r.dataset(), snapshot.version(), snapshot.examples());
        supervisor.submit(run);
        changed(id);
        return RunWatcher.info(run);
    }

    /** Stops a queued or running run; its process tree is killed, its checkpoints kept. */
    public void cancel(String id) {
        supervisor.cancel(require(id));
    }

    /**
     * Queues a failed, cancelled or interrupted run again; the trainer continues from the newest checkpoint in
     * the run folder (from the start when there is none).
     */
    public RunInfo resume(String id) {
        Run run = require(id);
        supervisor.resume(run);
        return RunWatcher.info(run);
    }

    // ---- reading ------------------------------------------------------------------------------------------------

    /** Every run, newest first. */
    public List<RunInfo> runs() {
        return runs.values().stream().map(RunWatcher::info)
                .sorted(Comparator.comparing((RunInfo i) -> RunRecovery.created(i.status())).reversed()
                        .thenComparing(RunInfo::id, Comparator.reverseOrder()))
                .toList();
    }

    public Optional<RunInfo> run(String id) {
        Run run = runs.get(id);
        return run == null ? Optional.empty() : Optional.of(RunWatcher.info(run));
    }

    /** The last {@code lines} lines of the run's log.txt (at most the last 64 KB). */
    public List<String> logTail(String id, int lines) {
        return RunFolder.tail(require(id).log(), lines);
    }

    /** Every checkpoint of every run, newest run first, lowest step first within a run. */
    public List<CheckpointRef> checkpoints() {
        return runs().stream().flatMap(r -> checkpoints(r.id()).stream()).toList();
    }

    /** A run's checkpoints ({@code RUN/checkpoints/step-N}), lowest step first. */
    public List<CheckpointRef> checkpoints(String runId) {
        Run run = require(runId);
        try {
            return CheckpointInfo.ofRun(run.dir).stream()
                    .map(c -> new CheckpointRef(runId, c.step(), c.dir(), run.dir.resolve(RunFolder.RUN_YAML)))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The workspace's text tokenizer (trained before the first run when missing). */
    public Path textTokenizer() {
        return tokenizers.text();
    }

    /** The workspace's image tokenizer folder (trained before the first run when missing). */
    public Path imageTokenizer() {
        return tokenizers.image();
    }

    /** Whether the workspace has both tokenizers (else the next run trains them first). */
    public boolean hasTokenizers() {
        return tokenizers.present();
    }

    /** Calls {@code listener} with a run's id whenever it changes; close the result to stop. */
    public AutoCloseable subscribe(Consumer<String> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Replaces how trainer command lines are built (trainer arguments in, full command out); for tests. */
    void useCommandFactory(Function<List<String>, List<String>> factory) {
        supervisor.useCommandFactory(factory);
    }

    /** The trainer command line for {@code args}, as it would be launched now. */
    List<String> command(List<String> args) {
        return supervisor.command(args);
    }

    /** Reads new metrics and log output of the active runs and tells the listeners. */
    void poll() {
        watcher.poll();
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

    private Run require(String id) {
        Run run = runs.get(id);
        if (run == null) {
            throw new IllegalArgumentException("There is no run '" + id + "' in " + runsDir);
        }
        return run;
    }

    /** Stops the queue; running trainers are killed and their runs marked interrupted (resumable). */
    @PreDestroy
    @Override
    public void close() {
        watcher.close();
        supervisor.close(runs.values());
    }

    /** Settings for logging, e.g. in a status line: slots and tokenizer preset. */
    @Override
    public String toString() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slots", slots);
        m.put("tokenizers", tokenizers.preset());
        m.put("runs", runsDir);
        return "RunService" + m;
    }
}
