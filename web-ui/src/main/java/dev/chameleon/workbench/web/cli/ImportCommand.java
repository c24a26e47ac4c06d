package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.io.Format;
import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportProblem;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.io.ImportReport;
import dev.chameleon.workbench.curation.model.Category;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.PrintWriter;
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

/**
 * {@code workbench import FILE... --dataset NAME}: imports files into a dataset, reporting refused records.
 * Exits 2 when a file gave nothing but problems. Ctrl-C stops the import between batches, keeping what was stored.
 */
@Command(name = "import", description = "Import SFT data files (JSON, JSONL, .gz, WebDataset .tar, caption folders).")
final class ImportCommand implements Callable<Integer> {

    @ParentCommand
    WorkbenchCommand root;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files or caption folders to import.")
    List<Path> files;

    @Option(names = "--dataset", required = true, description = "Dataset to import into (created if new).")
    String dataset;

    @Option(names = "--format", description = "Force a format: ${COMPLETION-CANDIDATES} (default: detected).",
            converter = FormatConverter.class, completionCandidates = FormatNames.class)
    Format format;

    @Option(names = "--category", description = "Give every example this category (default: detected per example).",
            converter = CategoryConverter.class)
    Category category;

    @Option(names = "--images", paramLabel = "DIR", description = "Folder that relative image paths resolve against.")
    List<Path> imageDirs = new ArrayList<>();

    @Option(names = "--report", paramLabel = "FILE", description = "Write every refused record (file, line, reason) as CSV.")
    Path reportFile;

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
                .withImageDirs(imageDirs.stream().map(Path::toAbsolutePath).toList());
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
        List<ImportReport> reports = new ArrayList<>();
        try {
            try (Curation ws = Curation.open(root.workspace())) {
                for (Path f : files) {
                    ImportReport r = importOne(ws, f, options, cancel);
                    reports.add(r);
                    if (r.cancelled()) {
                        break;
                    }
                }
                if (reportFile != null) {
                    writeReport(ws, reports, reportFile);
                }
            }
            if (root.json) {
                root.printJson(Map.of("imports", reports.stream().map(ImportCommand::toMap).toList()));
            }
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // Already shutting down.
            }
        }
        boolean nothing = reports.stream().anyMatch(r -> r.imported() == 0 && r.duplicates() == 0 && r.problemCount() > 0);
        return nothing ? 2 : 0;
    }

    private ImportReport importOne(Curation ws, Path f, ImportOptions options, AtomicBoolean cancel) throws IOException {
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
            err.printf(Locale.ROOT, "%s: %s, %,d records, %,d imported, %,d duplicates skipped, %,d refused"
                            + " (%.1f s)%s%n", f, r.format() == null ? "unknown format" : r.format().wireName(),
                    r.records(), r.imported(), r.duplicates(), r.problemCount(), r.seconds(),
                    r.cancelled() ? " CANCELLED" : "");
            r.problems().stream().limit(20).forEach(p -> err.println("  " + p));
            if (r.problemCount() > 20) {
                err.printf("  ... %,d more (use --report FILE for all)%n", r.problemCount() - 20);
            }
            err.flush();
        }
        return r;
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
        try (PrintWriter pw = new PrintWriter(Files.newBufferedWriter(out))) {
            pw.println("file,line,reason");
            for (ImportReport r : reports) {
                for (ImportProblem p : ws.importProblems(r.jobId())) {
                    pw.println(csv(p.file()) + "," + p.line() + "," + csv(p.reason()));
                }
            }
        }
    }

    static String csv(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    static final class FormatNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(Format.values()).map(Format::wireName).iterator();
        }
    }

    /** Picocli reports a TypeConversionException's message as is: the facade's list of valid names. */
    static final class FormatConverter implements ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class CategoryConverter implements ITypeConverter<Category> {
        @Override
        public Category convert(String value) {
            try {
                return Category.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
