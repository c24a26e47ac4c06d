package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.io.ColumnMap;
import dev.chameleon.workbench.curation.io.DatasetRegistry;
import dev.chameleon.workbench.curation.io.Format;
import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.io.ImportReport;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.web.common.ProblemsCsv;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * {@code workbench import FILE... --dataset NAME}: imports files into a dataset, reporting refused records.
 * A LLaMA-Factory registry ({@code dataset_info.json}) among the files imports every local dataset it lists, with
 * the registry's format and column mapping. One file's failure is reported in one line and the next file goes on;
 * no exception text or stack trace reaches the user. Exits 2 when a file gave nothing but problems (or a registry
 * nothing but skipped entries), 1 when a file failed. Ctrl-C stops the import between batches, keeping what was
 * stored.
 */
@Command(name = "import", description = "Import SFT data files (JSON, JSONL, .gz, WebDataset .tar, caption folders) "
        + "or the local datasets of a LLaMA-Factory dataset_info.json.")
final class ImportCommand implements Callable<Integer> {

    @ParentCommand
    WorkbenchCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE",
            description = "Files, caption folders or LLaMA-Factory dataset_info.json registries to import.")
    List<Path> files;

    @Option(names = "--dataset", required = true, description = "Dataset to import into (created if new).")
    String dataset;

    @Option(names = "--format", description = "Force a format: ${COMPLETION-CANDIDATES} (default: detected).",
            converter = FormatConverter.class, completionCandidates = FormatNames.class)
    Format format;

    @Option(names = "--category", description = "Give every example this category (default: detected per example).",
            converter = CategoryConverter.class)
    Category category;

    @Option(names = "--kind", paramLabel = "sft|prompts", converter = KindConverter.class,
            description = "What the records are: sft conversations with answers (default) or a prompt set.")
    DatasetKind kind;

    @Option(names = "--status", paramLabel = "accepted|pending|rejected", converter = StatusConverter.class,
            description = "Give every example this review status, for sources you trust (default: the record's own, "
                    + "else pending).")
    ReviewStatus status;

    @Option(names = "--fetch-images", description = "Download http(s) images (default: keep their addresses; "
            + "such images are not available offline).")
    boolean fetchImages;

    @Option(names = "--images", paramLabel = "DIR", description = "Folder that relative image paths resolve against.")
    List<Path> imageDirs = new ArrayList<>();

    @Option(names = "--report", paramLabel = "FILE", description = "Write every refused record (file, line, reason) as CSV.")
    Path reportFile;

    private Map<String, String> columns = Map.of();

    @Option(names = "--map", paramLabel = "SPEC", description = "Column mapping: which field of the file feeds which "
            + "of ours, e.g. question=prompt,answer=response (README: Import formats).")
    void map(String text) {
        try {
            columns = ColumnMap.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--map: " + e.getMessage());
        }
    }

    /** What the files gave: reports, registry entries skipped, files that failed. */
    private final List<ImportReport> reports = new ArrayList<>();
    private final List<Map<String, Object>> skipped = new ArrayList<>();
    private final List<Map<String, Object>> failed = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        for (Path f : files) {
            if (!Files.exists(f)) {
                throw new IllegalArgumentException("no such file: " + f.toAbsolutePath() + "; check the path");
            }
        }
        for (Path d : imageDirs) {
            if (!Files.isDirectory(d)) {
                throw new IllegalArgumentException("--images " + d.toAbsolutePath() + " is not a folder; check the path");
            }
        }
        ImportOptions options = ImportOptions.defaults().withFormat(format).withCategory(category)
                .withImageDirs(imageDirs.stream().map(Path::toAbsolutePath).toList()).withColumns(columns)
                .withKind(kind).withStatus(status).withFetchImages(fetchImages);
        AtomicBoolean cancel = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            cancel.set(true);
            try {
                done.await(15, TimeUnit.SECONDS); // Let the import stop between batches and close the workspace.
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        boolean registryGaveNothing = false;
        try {
            try (Curation ws = Curation.open(root.workspace())) {
                ws.createDataset(dataset, options.kind()); // A dataset of another kind: one error, not one per file.
                for (Path f : files) {
                    if (cancel.get()) {
                        break;
                    }
                    if (DatasetRegistry.looksLikeRegistry(f)) {
                        registryGaveNothing |= !importRegistry(ws, f, options, cancel);
                    } else {
                        importSafely(ws, f, f.toString(), options, cancel);
                    }
                }
                if (reportFile != null) {
                    writeReport(ws, reports, reportFile);
                }
            }
            if (root.json) {
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("imports", reports.stream().map(ImportCommand::toMap).toList());
                summary.put("skipped", skipped);
                summary.put("failed", failed);
                root.printJson(summary);
            }
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // Already shutting down.
            }
        }
        if (!failed.isEmpty()) {
            return 1;
        }
        boolean nothing = reports.stream().anyMatch(r -> r.imported() == 0 && r.duplicates() == 0 && r.problemCount() > 0);
        return nothing || registryGaveNothing ? 2 : 0;
    }

    /**
     * Imports every local dataset a registry lists, each with the registry's format and mapping (the command line's
     * --format and --map win); reports the entries it skips. Returns whether any entry could be imported.
     */
    private boolean importRegistry(Curation ws, Path registry, ImportOptions options, AtomicBoolean cancel) {
        List<DatasetRegistry.Entry> entries;
        try {
            entries = DatasetRegistry.read(registry);
        } catch (IOException | RuntimeException e) {
            fail(registry.toString(), e);
            return true; // Counted as a failure, not as an empty registry.
        }
        boolean any = false;
        for (DatasetRegistry.Entry e : entries) {
            if (cancel.get()) {
                break;
            }
            if (e.skipped()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("registry", registry.toString());
                m.put("name", e.name());
                m.put("reason", e.skippedReason());
                skipped.add(m);
                if (!root.json) {
                    root.err.println(registry + ": " + e.name() + ": skipped: " + oneLine(e.skippedReason()));
                }
                continue;
            }
            any = true;
            Map<String, String> mapping = new LinkedHashMap<>(e.columns());
            mapping.putAll(columns);
            ImportOptions entryOptions = options.withFormat(format != null ? format : e.format()).withColumns(mapping);
            importSafely(ws, e.file(), e.name() + ": " + e.file(), entryOptions, cancel);
        }
        root.err.flush();
        return any;
    }

    /** Imports one input; any failure becomes one line naming it, and the caller goes on with the next. */
    private void importSafely(Curation ws, Path f, String label, ImportOptions options, AtomicBoolean cancel) {
        try {
            reports.add(importOne(ws, f, label, options, cancel));
        } catch (IOException | RuntimeException e) {
            fail(label, e);
        }
    }

    private void fail(String label, Exception e) {
        String message = failure(e);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", label);
        m.put("error", message);
        failed.add(m);
        root.err.println("error: " + label + ": " + message);
        if (System.getenv("WORKBENCH_DEBUG") != null) {
            e.printStackTrace(root.err);
        }
        root.err.flush();
    }

    /**
     * One clear line for a failure: our own messages and I/O errors as the command line reports them elsewhere;
     * anything else is an internal error, named by its type only (WORKBENCH_DEBUG=1 prints the trace).
     */
    static String failure(Exception e) {
        boolean explained = e instanceof IOException || e instanceof java.io.UncheckedIOException
                || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e.getClass().getName().startsWith("dev.chameleon.");
        if (explained && e.getMessage() != null && !e.getMessage().isBlank()) {
            return WorkbenchCommand.message(e);
        }
        return "the import stopped on an internal error (" + e.getClass().getSimpleName() + "); the file's other "
                + "records were not read. Run again with WORKBENCH_DEBUG=1 for the details and report them";
    }

    private ImportReport importOne(Curation ws, Path f, String label, ImportOptions options, AtomicBoolean cancel)
            throws IOException {
        PrintWriter err = root.err;
        ConsoleProgress line = new ConsoleProgress(err, "import " + f.getFileName(), ConsoleProgress.MB);
        ImportReport r = ws.importFile(dataset, f.toAbsolutePath(), options, new ImportProgress() {
            @Override
            public void update(long bytesDone, long bytesTotal, long imported, long problems) {
                line.update(bytesDone, bytesTotal, String.format(Locale.ROOT, "imported %,d  problems %,d",
                        imported, problems), false);
            }

            @Override
            public boolean cancelled() {
                return cancel.get();
            }
        });
        line.finish();
        if (!root.json) {
            if (r.refusedWhole()) {
                r.problems().forEach(p -> err.println("error: " + label + ": " + oneLine(p.reason())));
            } else {
                err.printf(Locale.ROOT, "%s: %s, %,d records, %,d imported, %,d duplicates skipped, %,d refused"
                                + " (%.1f s)%s%n", label, r.format() == null ? "unknown format" : r.format().wireName(),
                        r.records(), r.imported(), r.duplicates(), r.problemCount(), r.seconds(),
                        r.cancelled() ? " CANCELLED" : "");
                r.problems().stream().limit(20).forEach(p -> err.println("  " + oneLine(p.toString())));
                if (r.problemCount() > 20) {
                    err.printf("  ... %,d more (use --report FILE for all)%n", r.problemCount() - 20);
                }
            }
            err.flush();
        }
        return r;
    }

    /** Messages go to a terminal one per line, whatever a reason holds. */
    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static Map<String, Object> toMap(ImportReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", r.file());
        m.put("dataset", r.dataset());
        m.put("format", r.format() == null ? null : r.format().wireName());
        m.put("records", r.records());
        m.put("imported", r.imported());
        m.put("duplicates", r.duplicates());
        m.put("problems", r.problemCount());
        m.put("cancelled", r.cancelled());
        m.put("seconds", r.seconds());
        m.put("problem_list", r.problems().stream().limit(1000).map(p -> {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("file", p.file());
            pm.put("line", p.line());
            pm.put("reason", p.reason());
            return pm;
        }).toList());
        return m;
    }

    private static void writeReport(Curation ws, List<ImportReport> reports, Path out) throws IOException {
        try (Writer w = Files.newBufferedWriter(out)) {
            ProblemsCsv.write(ws, reports.stream().map(ImportReport::jobId).toList(), w);
        }
    }

    static final class FormatNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(Format.values()).map(Format::wireName).iterator();
        }
    }

    /** Picocli reports a TypeConversionException's message as is: the parser's own, naming the valid values. */
    abstract static class Parsing<T> implements ITypeConverter<T> {
        private final Function<String, T> parse;

        Parsing(Function<String, T> parse) {
            this.parse = parse;
        }

        @Override
        public T convert(String value) {
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class FormatConverter extends Parsing<Format> {
        FormatConverter() {
            super(Format::parse);
        }
    }

    static final class CategoryConverter extends Parsing<Category> {
        CategoryConverter() {
            super(Category::parse);
        }
    }

    static final class KindConverter extends Parsing<DatasetKind> {
        KindConverter() {
            super(DatasetKind::parse);
        }
    }

    static final class StatusConverter extends Parsing<ReviewStatus> {
        StatusConverter() {
            super(ReviewStatus::parse);
        }
    }
}
