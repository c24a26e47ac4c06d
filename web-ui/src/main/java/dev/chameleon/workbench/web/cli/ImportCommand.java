package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.io.Format;
import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportProblem;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.io.ImportReport;
import dev.chameleon.workbench.curation.model.Category;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.BufferedWriter;
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

/** {@code workbench import FILE... --dataset NAME}: imports files into a dataset, reporting refused records. */
@Command(name = "import", description = "Import SFT data files (JSON, JSONL, .gz, WebDataset .tar, caption folders).")
final class ImportCommand implements Callable<Integer> {

    @ParentCommand
    WorkbenchCommand root;
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files or caption folders to import.")
    List<Path> files;

    @Option(names = "--dataset", required = true, description = "Dataset to import into (created if new).")
    String dataset;

    @Option(names = "--format", description = "Force a format: ${COMPLETION-CANDIDATES} (default: detected).",
            converter = FormatConverter.class)
    Format format;

    @Option(names = "--category", description = "Give every example this category (default: detected per example).",
            converter = CategoryConverter.class)
    Category category;

    @Option(names = "--images", paramLabel = "DIR", description = "Folder that relative image paths resolve against.")
    List<Path> imageDirs = new ArrayList<>();

    @Option(names = "--report", paramLabel = "FILE", description = "Write the import report (refused records) as CSV.")
    Path reportFile;

    @Override
    public Integer call() throws Exception {
        ImportOptions options = ImportOptions.defaults().withFormat(format).withCategory(category)
                .withImageDirs(imageDirs.stream().map(Path::toAbsolutePath).toList());
        List<ImportReport> reports = new ArrayList<>();
        var err = System.err;
        Thread main = Thread.currentThread();
        final boolean[] cancel = {false};
        Thread hook = new Thread(() -> {
            cancel[0] = true;
            try {
                main.join(15_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try (Curation ws = Curation.open(root.workspace())) {
            for (Path f : files) {
                if (!Files.exists(f)) {
                    throw new IllegalArgumentException("no such file: " + f + "; check the path");
                }
                ConsoleProgress line = new ConsoleProgress(err, "import " + f.getFileName());
                ImportReport r = ws.importFile(dataset, f.toAbsolutePath(), options, new ImportProgress() {
                    @Override
                    public void update(long bytesDone, long bytesTotal, long imported, long problems) {
                        line.update(bytesDone, bytesTotal, String.format(Locale.ROOT, "imported %,d  problems %,d",
                                imported, problems), false);
                    }

                    @Override
                    public boolean cancelled() {
                        return cancel[0];
                    }
                });
                line.finish();
                reports.add(r);
                if (!root.json) {
                    err.printf(Locale.ROOT, "%s: %s, %,d records, %,d imported, %,d duplicates skipped, %,d refused"
                                    + " (%.1f s)%s%n", f, r.format() == null ? "unknown format" : r.format().wireName(),
                            r.records(), r.imported(), r.duplicates(), r.problemCount(), r.seconds(),
                            r.cancelled() ? " CANCELLED" : "");
                    r.problems().stream().limit(20).forEach(p -> err.println("  " + p));
                    if (r.problemCount() > 20) {
                        err.printf("  ... %,d more (use --report FILE for all)%n", r.problemCount() - 20);
                    }
                }
                if (reportFile != null) {
                    writeReport(ws, reports, reportFile);
                }
                if (r.cancelled()) {
                    break;
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // Already shutting down.
            }
        }
        if (root.json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (ImportReport r : reports) {
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
                m.put("problem_list", r.problems().stream().limit(1000)
                        .map(p -> Map.of("file", p.file(), "line", p.line(), "reason", p.reason())).toList());
                out.add(m);
            }
            System.out.println(Json.write(Map.of("imports", out)));
        }
        boolean nothing = reports.stream().anyMatch(r -> r.imported() == 0 && r.duplicates() == 0 && r.problemCount() > 0);
        return nothing ? 2 : 0;
    }

    private static void writeReport(Curation ws, List<ImportReport> reports, Path out) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(out); PrintWriter pw = new PrintWriter(w)) {
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

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            return Format.parse(value);
        }
    }

    static final class CategoryConverter implements picocli.CommandLine.ITypeConverter<Category> {
        @Override
        public Category convert(String value) {
            return Category.parse(value);
        }
    }
}
