package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.trainer.train.StepMetrics;
import dev.chameleon.workbench.web.runs.CheckpointRef;
import dev.chameleon.workbench.web.runs.InvalidRunException;
import dev.chameleon.workbench.web.runs.RunInfo;
import dev.chameleon.workbench.web.runs.RunRequest;
import dev.chameleon.workbench.web.runs.RunService;
import dev.chameleon.workbench.web.runs.RunState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code workbench run --dataset NAME [overrides]}: what the Runs view's Launch button does, from the command
 * line, waiting for the run to end: snapshot, run folder, tokenizers on first use, the trainer as a child
 * process. {@code --resume RUN-ID} continues a failed, cancelled or interrupted run.
 */
@Command(name = "run", description = "Launch an SFT run on a dataset as the Runs view does (snapshot, run folder "
        + "under WORKSPACE/runs, tokenizers on first use) and wait for it; or --resume RUN-ID.")
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    WorkbenchCommand root;

    @Option(names = "--dataset", paramLabel = "NAME", description = "The dataset to snapshot and train on.")
    String dataset;

    @Option(names = "--preset", defaultValue = RunService.DEFAULT_PRESET, paramLabel = "NAME",
            description = "Run preset under configs/recipes (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--model", paramLabel = "NAME", description = "Model preset under configs/models (default: the run preset's).")
    String model;

    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps (default: the run preset's).")
    Integer steps;

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default: the run preset's).")
    Double lr;

    @Option(names = "--seq-len", paramLabel = "T", description = "Packed window length (default: the run preset's).")
    Integer seqLen;

    @Option(names = "--mix", paramLabel = "CATEGORY=WEIGHT", description = "Sampling weight of a category, e.g. "
            + "--mix safety=2 (repeatable; the others keep the run preset's).")
    Map<String, Double> mix = new LinkedHashMap<>();

    @Option(names = "--tokenizers", defaultValue = "demo", paramLabel = "NAME|FILE",
            description = "Tokenizer preset for a workspace without tokenizers (default: ${DEFAULT-VALUE}).")
    String tokenizers;

    @Option(names = "--jvm-options", defaultValue = "", paramLabel = "OPTS", description = "Extra options for the trainer's JVM.")
    String jvmOptions;

    @Option(names = "--resume", paramLabel = "RUN-ID", description = "Resume this run instead of launching a new one.")
    String resume;

    @Override
    public Integer call() throws Exception {
        if ((dataset == null) == (resume == null)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "give either --dataset NAME (a new run) or --resume RUN-ID");
        }
        try (Curation ws = root.openExisting(); RunService runs = new RunService(ws, 1, tokenizers, jvmOptions)) {
            Thread stopper = new Thread(runs::close, "workbench-run-stop");
            Runtime.getRuntime().addShutdownHook(stopper);
            RunInfo run;
            if (resume != null) {
                run = runs.resume(resume);
            } else {
                RunRequest r = runs.defaults(dataset, preset);
                if (model != null) {
                    r = r.withModel(model);
                }
                if (steps != null) {
                    r = r.withSteps(steps);
                }
                if (lr != null) {
                    r = r.withLr(lr);
                }
                if (seqLen != null) {
                    r = r.withSeqLen(seqLen);
                }
                if (!mix.isEmpty()) {
                    Map<String, Double> m = new LinkedHashMap<>(r.mix());
                    m.putAll(mix);
                    r = r.withMix(m);
                }
                try {
                    run = runs.launch(r);
                } catch (InvalidRunException e) {
                    throw new IllegalArgumentException(e.field() + ": " + e.getMessage(), e);
                }
            }
            root.err.printf("run %s: %s%n", run.id(), run.dir());
            run = follow(runs, run.id());
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException ignored) {
                // Already shutting down.
            }
            List<CheckpointRef> checkpoints = runs.checkpoints(run.id());
            if (root.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", run.id());
                m.put("dir", run.dir().toString());
                m.put("state", run.state().wireName());
                m.put("step", run.status().step());
                m.put("steps", run.status().steps());
                m.put("loss", run.last().map(StepMetrics::loss).orElse(null));
                m.put("error", run.status().error());
                m.put("checkpoints", checkpoints.stream().map(c -> c.dir().toString()).toList());
                root.printJson(m);
            } else {
                root.err.printf("run %s %s at step %d/%d%s%n", run.id(), run.state().wireName(), run.status().step(),
                        run.status().steps(), run.status().error() == null ? "" : ": " + run.status().error());
                checkpoints.forEach(c -> root.err.println("  checkpoint " + c.dir()));
            }
            return run.state() == RunState.SUCCEEDED ? 0 : 1;
        }
    }

    /** Prints state changes and (at most every 2 s) the step line until the run stops. */
    private RunInfo follow(RunService runs, String id) throws InterruptedException {
        RunState shown = null;
        long lastLine = 0;
        int lastStep = -1;
        while (true) {
            RunInfo r = runs.run(id).orElseThrow();
            if (r.state() != shown) {
                shown = r.state();
                root.err.println("  " + shown.wireName());
            }
            long now = System.nanoTime();
            if (r.status().step() != lastStep && now - lastLine > 2_000_000_000L && r.last().isPresent()) {
                StepMetrics m = r.last().get();
                root.err.printf(Locale.ROOT, "  step %d/%d  loss %.4f  lr %.2e  %,.0f tok/s%s%n", m.step(),
                        r.status().steps(), m.loss(), m.lr(), m.tokensPerSecond(),
                        r.eta().map(d -> "  ETA " + d.toSeconds() + " s").orElse(""));
                lastStep = r.status().step();
                lastLine = now;
            }
            if (!r.state().active()) {
                return r;
            }
            Thread.sleep(250);
        }
    }
}
