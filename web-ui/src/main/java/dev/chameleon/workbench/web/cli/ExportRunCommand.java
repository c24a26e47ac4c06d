package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.trainer.generate.TokenizerLoader;
import dev.chameleon.workbench.trainer.handoff.ExportCancelledException;
import dev.chameleon.workbench.trainer.handoff.RunExport;
import dev.chameleon.workbench.trainer.hf.safetensors.Dtype;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * {@code workbench export-run RUN-ID --out DIR}: hands a run of the workspace over to a trainer built on transformers
 * ({@link RunExport}): its packed windows, resolved recipe, tokenizers and newest checkpoint in a new folder. Ctrl-C
 * stops it and removes what it wrote. Reads only the run folder, so it works while the web app serves the workspace.
 */
@Command(name = "export-run", description = "Hand a run over to a cluster trainer built on transformers: its packed "
        + "training windows (safetensors), resolved recipe, tokenizers and newest checkpoint (Hugging Face layout) in "
        + "a new folder; see docs/handoff.md.")
final class ExportRunCommand implements Callable<Integer> {

    /** Exit code of an export stopped with Ctrl-C (128 + SIGINT, as shells report it). */
    static final int CANCELLED = 130;

    /** Storage types offered for the checkpoint. */
    enum StoredType { f32, bf16, f16 }

    @ParentCommand
    WorkbenchCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN-ID", description = "A run folder's name under WORKSPACE/runs.")
    String runId;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new or empty folder.")
    Path out;

    @Option(names = "--windows", paramLabel = "N",
            description = "Windows to write from the first (default: as many as the recipe trains on, steps x "
                    + "batch_size x grad_accum).")
    Long windows;

    @Option(names = "--model-dtype", defaultValue = "f32", paramLabel = "TYPE",
            description = "Weight type of the checkpoint: f32 (exact), bf16 or f16 (half the size).")
    StoredType modelDtype;

    /** Opens the run's tokenizer files; tests put stand-ins here. */
    TokenizerLoader tokenizers = TokenizerLoader.REAL;

    @Override
    public Integer call() throws IOException {
        if (windows != null && windows < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--windows must be at least 1, given "
                    + windows);
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        Path runYaml = runYaml(root.existingWorkspace().resolve("runs"), runId);
        Dtype dtype = switch (modelDtype) {
            case bf16 -> Dtype.BF16;
            case f16 -> Dtype.F16;
            default -> Dtype.F32;
        };
        RunExport.Options options = new RunExport.Options(windows == null ? 0 : windows, 0, dtype);
        Path target = out.toAbsolutePath().normalize();

        AtomicBoolean cancelled = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C: ask the export to stop, and hold the exit until it has removed what it wrote.
        Thread stopper = new Thread(() -> {
            cancelled.set(true);
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "workbench-export-run-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        Lines lines = new Lines(root, "export-run " + runId);
        RunExport.Result r;
        try {
            r = RunExport.write(runYaml, target, options, tokenizers, lines, cancelled::get);
        } catch (ExportCancelledException e) {
            lines.finish();
            root.err.println("export-run cancelled; nothing was written to " + target);
            return CANCELLED;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running; it returns now that the export has finished.
            }
        }
        lines.finish();
        if (root.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", runId);
            m.put("dir", r.dir().toString());
            m.put("windows", r.windows());
            m.put("windows_per_step", r.windowsPerStep());
            m.put("shards", r.shards());
            m.put("real_tokens", r.realTokens());
            m.put("labelled_tokens", r.labelledTokens());
            m.put("checkpoint_step", r.checkpoint().map(c -> (Object) c.step()).orElse(null));
            m.put("model", r.checkpoint().isPresent() ? r.dir().resolve(RunExport.MODEL).toString() : null);
            root.printJson(m);
        } else {
            root.err.printf(Locale.ROOT, "exported run %s to %s: %,d windows (%,d steps of %d) in %d shard(s), %s%n",
                    runId, r.dir(), r.windows(), r.windows() / r.windowsPerStep(), r.windowsPerStep(), r.shards(),
                    r.checkpoint().map(c -> "the checkpoint of step " + c.step() + " in " + RunExport.MODEL + "/")
                            .orElse("no checkpoint (the run has none yet)"));
        }
        return 0;
    }

    /** The run.yaml of run {@code id}, or an error that lists the runs there are. */
    static Path runYaml(Path runsDir, String id) throws IOException {
        boolean plainName = !id.isBlank() && !id.contains("/") && !id.contains("\\") && !id.equals(".")
                && !id.equals("..");
        Path yaml = plainName ? runsDir.resolve(id).resolve("run.yaml") : null;
        if (yaml != null && Files.isRegularFile(yaml)) {
            return yaml;
        }
        String known = "none yet ('workbench run --dataset NAME' launches one)";
        if (Files.isDirectory(runsDir)) {
            try (Stream<Path> s = Files.list(runsDir)) {
                String names = String.join(", ", s.filter(p -> Files.isRegularFile(p.resolve("run.yaml")))
                        .map(p -> p.getFileName().toString()).sorted().toList());
                known = names.isEmpty() ? known : names;
            }
        }
        throw new IllegalArgumentException("there is no run '" + id + "' in " + runsDir + "; runs there: " + known);
    }

    /** Progress on standard error: one line per phase, then the image or window count (see ConsoleProgress). */
    private static final class Lines implements RunExport.Listener {
        private final WorkbenchCommand root;
        private final String label;
        private ConsoleProgress images;
        private ConsoleProgress windows;

        Lines(WorkbenchCommand root, String label) {
            this.root = root;
            this.label = label;
        }

        @Override
        public void phase(String line) {
            finish();
            root.err.println(label + ": " + line);
            root.err.flush();
        }

        @Override
        public void imagesEncoded(int done) {
            if (images == null) {
                images = new ConsoleProgress(root.err, label, n -> String.format(Locale.ROOT, "%,d images", n));
            }
            images.update(done, 0, "encoded", false);
        }

        @Override
        public void windowsWritten(long done, long total) {
            if (windows == null) {
                windows = new ConsoleProgress(root.err, label, n -> String.format(Locale.ROOT, "%,d", n));
            }
            windows.update(done, total, "windows", done == total);
        }

        void finish() {
            if (images != null) {
                images.finish();
                images = null;
            }
            if (windows != null) {
                windows.finish();
                windows = null;
            }
        }
    }
}
