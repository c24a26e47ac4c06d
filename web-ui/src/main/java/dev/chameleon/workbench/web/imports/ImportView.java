package dev.chameleon.workbench.web.imports;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.Command;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import com.vaadin.flow.server.streams.UploadHandler;
import com.vaadin.flow.server.streams.UploadMetadata;
import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.FileImport;
import dev.chameleon.workbench.curation.io.ColumnMap;
import dev.chameleon.workbench.curation.io.Format;
import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportPreview;
import dev.chameleon.workbench.curation.io.ImportProblem;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.io.ImportReport;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.web.MainLayout;
import dev.chameleon.workbench.web.common.Links;
import dev.chameleon.workbench.web.common.MessageBox;
import dev.chameleon.workbench.web.common.ProblemsCsv;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Imports data files into a dataset: upload them (JSON, JSONL, CSV, gzip or tar shards), check the preview of each
 * (the format found, the column mapping in effect, the kind the records look like and the first five examples as
 * they will be stored), adjust the format, mapping, kind, review status and category, then import them in the
 * background with live progress, a cancel button, and at the end one report for all files with every refused
 * record. A file that cannot be read is refused in one line and the other files are imported all the same.
 */
@Route(value = Links.IMPORT, layout = MainLayout.class)
@PageTitle("Import | Chameleon Workbench")
@Menu(title = "Import", order = 1, icon = "vaadin:upload")
public class ImportView extends VerticalLayout {

    /** Progress reaches the browser at most this often; imports report every batch. */
    private static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;

    /** An upload waiting to be imported: the name the user gave it and where it lies. */
    private record Uploaded(String name, Path file) {
    }

    /** What the preview of one upload gave, or why there is none (one line). */
    private record FilePreview(String name, ImportPreview preview, String error) {
    }

    private final Curation curation;
    private final ImportJobs jobs;

    private final ComboBox<String> dataset = new ComboBox<>("Dataset");
    private final ComboBox<Category> category = new ComboBox<>("Category");
    private final ComboBox<Format> format = new ComboBox<>("Format");
    private final TextField mapping = new TextField("Column mapping");
    private final RadioButtonGroup<DatasetKind> kind = new RadioButtonGroup<>("Kind");
    private final RadioButtonGroup<ReviewStatus> status = new RadioButtonGroup<>("Review status");
    private final Checkbox fetchImages = new Checkbox("Download web images");
    private final Upload upload;
    private final Span uploaded = new Span();
    private final Button start = new Button("Import");
    private final Div preview = new Div();

    private final Div running = new Div();
    private final ProgressBar progress = new ProgressBar();
    private final Span progressText = new Span();
    private final Button cancel = new Button("Cancel");

    private final Div report = new Div();

    private final List<Uploaded> uploads = new ArrayList<>();
    private Map<String, String> columns = Map.of();
    /** The user picked the kind; until then each preview selects the kind its records look like. */
    private boolean kindChosen;
    private boolean suggestingKind;
    private AtomicBoolean cancelRequested;

    ImportView(Curation curation, ImportJobs jobs) {
        this.curation = curation;
        this.jobs = jobs;

        dataset.setId("dataset");
        dataset.setAllowCustomValue(true);
        dataset.setPlaceholder("New or existing dataset");
        dataset.setHelperText("Type a new name or pick an existing dataset");
        dataset.addCustomValueSetListener(e -> useDatasetName(e.getDetail()));
        dataset.setWidth("20em");
        refreshDatasetNames();

        category.setId("category");
        category.setItems(Category.values());
        category.setItemLabelGenerator(Category::label);
        category.setPlaceholder("Detect per example");
        category.setClearButtonVisible(true);
        category.addValueChangeListener(e -> refreshPreview());

        format.setId("format");
        format.setItems(Format.values());
        format.setItemLabelGenerator(Format::wireName);
        format.setPlaceholder("Detect from the file");
        format.setClearButtonVisible(true);
        format.addValueChangeListener(e -> refreshPreview());

        mapping.setId("mapping");
        mapping.setPlaceholder("question=prompt,answer=response");
        mapping.setHelperText("Which field of the file feeds which of ours; empty: the format's own fields");
        mapping.setClearButtonVisible(true);
        mapping.setWidth("24em");
        mapping.addValueChangeListener(e -> useMapping(e.getValue()));

        kind.setId("kind");
        kind.setItems(DatasetKind.SFT, DatasetKind.PROMPTS);
        kind.setItemLabelGenerator(k -> k == DatasetKind.SFT ? "SFT conversations" : "Prompt set");
        kind.setValue(DatasetKind.SFT);
        kind.addValueChangeListener(e -> {
            if (!suggestingKind) {
                kindChosen |= e.isFromClient();
                refreshPreview();
            }
        });

        status.setId("status");
        status.setItems(ReviewStatus.PENDING, ReviewStatus.ACCEPTED);
        status.setItemLabelGenerator(s -> s == ReviewStatus.PENDING ? "Pending review" : "Accepted (trusted source)");
        status.setValue(ReviewStatus.PENDING);

        fetchImages.setId("fetch-images");
        fetchImages.setTooltipText("Off: images given by http(s) address keep it and are not available offline");

        upload = new Upload(UploadHandler.toFile(this::received,
                meta -> jobs.uploadTarget(meta.fileName()).toFile()));
        upload.setId("upload");
        upload.setDropLabel(new Span("Drop .json, .jsonl, .csv, .gz or .tar files here"));
        upload.addFileRemovedListener(e -> forgetUpload(e.getFileName()));
        upload.addFailedListener(e -> forgetUpload(e.getFileName()));
        uploaded.setId("uploaded-file");

        start.setId("start-import");
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        start.setEnabled(false);
        start.addClickListener(e -> startImport());

        preview.setId("preview");
        preview.setVisible(false);
        preview.setWidthFull();

        progress.setId("import-progress");
        progressText.setId("import-progress-text");
        cancel.setId("cancel-import");
        cancel.addClickListener(e -> {
            if (cancelRequested != null) {
                cancelRequested.set(true);
                cancel.setEnabled(false);
                cancel.setText("Cancelling…");
            }
        });
        running.setId("import-running");
        running.add(progress, progressText, cancel);
        running.setVisible(false);
        running.setWidth("40em");

        report.setId("import-report");
        report.setVisible(false);
        report.setWidthFull();

        HorizontalLayout target = new HorizontalLayout(dataset, category, format, mapping);
        target.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        target.setWrap(true);
        HorizontalLayout treatment = new HorizontalLayout(kind, status, fetchImages);
        treatment.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        HorizontalLayout ready = new HorizontalLayout(start, uploaded);
        ready.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        add(new H2("Import"), target, treatment, upload, ready, preview, running, report);
    }

    private void useDatasetName(String name) {
        String n = name == null ? "" : name.trim();
        if (n.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>(curation.datasets().stream().map(s -> s.dataset().name()).toList());
        if (!names.contains(n)) {
            names.add(n);
        }
        dataset.setItems(names);
        dataset.setValue(n);
        dataset.setInvalid(false);
    }

    private void refreshDatasetNames() {
        String current = dataset.getValue();
        dataset.setItems(curation.datasets().stream().map(s -> s.dataset().name()).toList());
        if (current != null) {
            useDatasetName(current);
        }
    }

    /** A mapping in the command line's a=b,c=d form; a bad one is explained beside the field, not previewed. */
    private void useMapping(String text) {
        try {
            columns = ColumnMap.parse(text);
        } catch (IllegalArgumentException e) {
            mapping.setErrorMessage(e.getMessage());
            mapping.setInvalid(true);
            return;
        }
        mapping.setInvalid(false);
        refreshPreview();
    }

    /** An upload is on disk (runs under the session lock, after the request body was read). */
    private void received(UploadMetadata meta, File file) {
        uploads.add(new Uploaded(meta.fileName(), file.toPath()));
        if (dataset.getValue() == null || dataset.getValue().isBlank()) {
            useDatasetName(baseName(ImportJobs.safeName(meta.fileName())));
        }
        showUploads();
        refreshPreview();
    }

    /** The user removed an upload from the list (or it failed): it will not be imported. */
    private void forgetUpload(String fileName) {
        uploads.removeIf(u -> {
            boolean gone = u.name().equals(fileName);
            if (gone) {
                ImportJobs.discard(u.file());
            }
            return gone;
        });
        showUploads();
        refreshPreview();
    }

    private void showUploads() {
        long bytes = uploads.stream().mapToLong(u -> u.file().toFile().length()).sum();
        uploaded.setText(uploads.isEmpty() ? "" : uploads.size() == 1
                ? String.format("Ready: %s (%,d bytes)", uploads.get(0).name(), bytes)
                : String.format("Ready: %,d files (%,d bytes)", uploads.size(), bytes));
        start.setEnabled(!uploads.isEmpty() && cancelRequested == null);
    }

    /** The options the form describes, as the import will use them. */
    private ImportOptions options() {
        // "Pending review" keeps a status the file itself gives (the workbench's own export), else pending.
        ReviewStatus given = status.getValue() == ReviewStatus.ACCEPTED ? ReviewStatus.ACCEPTED : null;
        return ImportOptions.defaults().withCategory(category.getValue()).withFormat(format.getValue())
                .withColumns(columns).withKind(kind.getValue()).withStatus(given)
                .withFetchImages(fetchImages.getValue());
    }

    /**
     * Previews every upload with the current options. Until the user picks the kind, each preview starts as SFT
     * and switches to the kind the first file's records look like (a prompt set when they have no answers).
     */
    private void refreshPreview() {
        preview.removeAll();
        preview.setVisible(!uploads.isEmpty());
        if (uploads.isEmpty()) {
            return;
        }
        ImportOptions options = kindChosen ? options() : options().withKind(DatasetKind.SFT);
        List<FilePreview> previews = previewAll(options);
        if (!kindChosen) {
            DatasetKind suggested = previews.stream().filter(p -> p.preview() != null).findFirst()
                    .map(p -> p.preview().suggestedKind()).orElse(DatasetKind.SFT);
            if (suggested != options.kind()) {
                previews = previewAll(options.withKind(suggested));
            }
            suggestingKind = true;
            kind.setValue(suggested);
            suggestingKind = false;
        }
        previews.forEach(p -> preview.add(render(p)));
    }

    private List<FilePreview> previewAll(ImportOptions options) {
        List<FilePreview> out = new ArrayList<>();
        for (Uploaded u : uploads) {
            try {
                out.add(new FilePreview(u.name(), jobs.preview(u.file(), options), null));
            } catch (IOException e) {
                out.add(new FilePreview(u.name(), null, "cannot read the upload (" + e.getClass().getSimpleName()
                        + "); upload it again"));
            } catch (RuntimeException e) {
                out.add(new FilePreview(u.name(), null, "the preview stopped on an internal error ("
                        + e.getClass().getSimpleName() + "); importing may still work"));
            }
        }
        return out;
    }

    /** One upload's preview: what was found, any refusal in one line, and the first examples as stored. */
    private Div render(FilePreview fp) {
        Div box = new Div();
        box.addClassName("file-preview");
        box.add(new H3("Preview of " + fp.name()));
        if (fp.error() != null) {
            box.add(refusal(fp.name() + ": " + fp.error()));
            return box;
        }
        ImportPreview p = fp.preview();
        box.add(fact("preview-format", "Format: " + (p.format() == null ? "not recognised"
                : p.format().wireName() + (format.getValue() == null ? " (detected)" : " (chosen)"))));
        box.add(fact("preview-mapping", "Mapping in effect: "
                + (p.columns().isEmpty() ? "none" : ColumnMap.format(new TreeMap<>(p.columns())))));
        box.add(fact("preview-kind", "Looks like: " + (p.suggestedKind() == DatasetKind.PROMPTS
                ? "a prompt set" : "SFT conversations")));
        for (ImportProblem problem : p.problems()) {
            if (problem.line() == 0) {
                box.add(refusal(problem.toString()));
            } else {
                Paragraph refused = new Paragraph("Refused " + problem);
                refused.addClassName("preview-problem");
                box.add(refused);
            }
        }
        if (p.examples().isEmpty() && p.problems().isEmpty()) {
            box.add(fact("preview-empty", "No records."));
        }
        for (Example e : p.examples()) {
            Div example = new Div();
            example.addClassName("preview-example");
            example.getStyle().set("border-top", "1px solid var(--lumo-contrast-10pct)")
                    .set("padding-top", "var(--lumo-space-s)");
            example.add(fact("preview-source", e.source() + " · " + e.category().label()));
            e.messages().forEach(m -> example.add(MessageBox.of(m, curation.images())));
            if (e.hasRejected()) {
                example.add(fact("preview-rejected", "Rejected answer:"));
                e.rejected().forEach(m -> example.add(MessageBox.of(m, curation.images())));
            }
            box.add(example);
        }
        return box;
    }

    private static Paragraph fact(String className, String text) {
        Paragraph p = new Paragraph(text);
        p.addClassName(className);
        p.getStyle().set("margin", "var(--lumo-space-xs) 0");
        return p;
    }

    private static Paragraph refusal(String text) {
        Paragraph p = fact("preview-refusal", text);
        p.getStyle().set("color", "var(--lumo-error-text-color)");
        return p;
    }

    private void startImport() {
        String name = dataset.getValue() == null ? "" : dataset.getValue().trim();
        if (name.isEmpty()) {
            dataset.setInvalid(true);
            dataset.setErrorMessage("Name the dataset to import into");
            return;
        }
        if (uploads.isEmpty() || mapping.isInvalid()) {
            return;
        }
        ImportOptions options = options();
        Map<Path, String> names = new LinkedHashMap<>();
        uploads.forEach(u -> names.put(u.file(), u.name()));
        uploads.clear();
        AtomicBoolean cancelled = new AtomicBoolean();
        cancelRequested = cancelled;

        start.setEnabled(false);
        uploaded.setText("");
        preview.removeAll();
        preview.setVisible(false);
        report.setVisible(false);
        progress.setIndeterminate(true);
        progressText.setText("Importing " + String.join(", ", names.values()) + " into " + name + "…");
        cancel.setEnabled(true);
        cancel.setText("Cancel");
        running.setVisible(true);

        UI ui = UI.getCurrent();
        List<Path> files = List.copyOf(names.keySet());
        jobs.start(name, files, options, file -> new ImportProgress() {
            private long last;

            @Override
            public void update(long bytesDone, long bytesTotal, long imported, long problems) {
                long now = System.nanoTime();
                if (now - last < PROGRESS_INTERVAL_NANOS) {
                    return;
                }
                last = now;
                String label = names.get(file) + (files.size() > 1
                        ? " (" + (files.indexOf(file) + 1) + " of " + files.size() + ")" : "");
                access(ui, () -> showProgress(label, bytesDone, bytesTotal, imported, problems));
            }

            @Override
            public boolean cancelled() {
                return cancelled.get();
            }
        }).whenComplete((results, failure) -> access(ui, () -> finished(name, results, failure, names)));
    }

    private void showProgress(String label, long bytesDone, long bytesTotal, long imported, long problems) {
        if (bytesTotal > 0) {
            progress.setIndeterminate(false);
            progress.setValue(Math.min(1.0, (double) bytesDone / bytesTotal));
        }
        progressText.setText(String.format("%s: %,d examples stored, %,d problems, %s of %s read", label, imported,
                problems, megabytes(bytesDone), bytesTotal < 0 ? "?" : megabytes(bytesTotal)));
    }

    private void finished(String name, List<FileImport> results, Throwable failure, Map<Path, String> names) {
        running.setVisible(false);
        cancelRequested = null;
        if (uploads.isEmpty()) {
            upload.clearFileList();
        }
        showUploads();
        refreshDatasetNames();
        report.removeAll();
        report.setVisible(true);
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            Paragraph error = new Paragraph("The import into " + name + " failed: " + message);
            error.setId("import-error");
            error.getStyle().set("color", "var(--lumo-error-text-color)");
            report.add(new H3("Import failed"), error);
            Notification.show("Import failed: " + message, 8000, Notification.Position.BOTTOM_START)
                    .addThemeVariants(NotificationVariant.LUMO_ERROR);
            return;
        }
        showReport(name, results, names);
    }

    /** One summary line per file, then every file's refused records in one grid and one CSV. */
    private void showReport(String name, List<FileImport> results, Map<Path, String> names) {
        List<ImportReport> reports = results.stream().filter(r -> !r.failed()).map(FileImport::report).toList();
        boolean cancelled = reports.stream().anyMatch(ImportReport::cancelled);
        Div summary = new Div();
        summary.setId("report-summary");
        for (FileImport r : results) {
            String fileName = names.getOrDefault(r.file(), String.valueOf(r.file().getFileName()));
            Paragraph line = new Paragraph(r.failed() ? "The import of " + fileName + " failed: " + r.error()
                    : summary(r.report(), fileName));
            line.addClassName(r.failed() ? "file-error" : "file-summary");
            if (r.failed()) {
                line.getStyle().set("color", "var(--lumo-error-text-color)");
            }
            summary.add(line);
        }
        report.add(new H3(cancelled ? "Import cancelled" : "Import report"), summary);

        RouterLink open = Links.toDataset("Open dataset " + name, name);
        open.setId("open-dataset");
        HorizontalLayout links = new HorizontalLayout(open);
        long problemCount = reports.stream().mapToLong(ImportReport::problemCount).sum();
        if (problemCount == 0) {
            report.add(links);
            return;
        }
        Anchor csv = new Anchor(problemsCsv(reports), "Download the problems (CSV)");
        csv.setId("report-csv");
        links.add(csv);

        Grid<ImportProblem> grid = new Grid<>();
        grid.setId("problems");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.addColumn(ImportProblem::file).setHeader("File").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(ImportProblem::line).setHeader("Line").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(ImportProblem::reason).setHeader("Reason").setFlexGrow(1);
        List<ImportProblem> listed = reports.stream().flatMap(r -> r.problems().stream()).toList();
        grid.setItems(listed);
        grid.setHeight("20em");
        report.add(links, grid);
        if (listed.size() < problemCount) {
            report.add(new Paragraph(String.format("The first %,d of %,d problems are listed; the CSV has all.",
                    listed.size(), problemCount)));
        }
    }

    /**
     * One sentence saying what happened, e.g. "Imported 3 of 4 records from a.jsonl (openai) into demo…", or for a
     * file refused as a whole the refusal ("Refused a.bin: the file is not JSON…").
     */
    static String summary(ImportReport r, String fileName) {
        if (r.refusedWhole()) {
            return "Refused " + fileName + ": " + r.problems().get(0).reason();
        }
        return String.format(Locale.ROOT, "%s %,d of %,d records from %s%s into %s in %.1f s: "
                        + "%,d duplicates skipped, %,d problems.%s",
                r.cancelled() ? "Cancelled after importing" : "Imported", r.imported(), r.records(), fileName,
                r.format() == null ? "" : " (" + r.format().wireName() + ")", r.dataset(), r.seconds(),
                r.duplicates(), r.problemCount(),
                r.cancelled() ? " The examples stored before cancelling are kept; import the file again to "
                        + "complete it (stored records are skipped)." : "");
    }

    /** Every problem of the imports (not only the listed ones) as CSV: file, line, reason. */
    private DownloadHandler problemsCsv(List<ImportReport> reports) {
        List<Long> jobIds = reports.stream().map(ImportReport::jobId).toList();
        String name = "import-" + jobIds.get(0) + "-problems.csv";
        return DownloadHandler.fromInputStream(event -> {
            StringBuilder csv = new StringBuilder();
            ProblemsCsv.write(curation, jobIds, csv);
            byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
            return new DownloadResponse(new ByteArrayInputStream(bytes), name, "text/csv", bytes.length);
        });
    }

    private static String baseName(String fileName) {
        String n = fileName;
        for (String ext : List.of(".gz", ".tgz", ".tar", ".jsonl", ".json", ".ndjson")) {
            if (n.toLowerCase(Locale.ROOT).endsWith(ext) && n.length() > ext.length()) {
                n = n.substring(0, n.length() - ext.length());
            }
        }
        return n;
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /** Runs a UI change from a background thread; a closed tab just stops receiving progress. */
    private static void access(UI ui, Command command) {
        try {
            ui.access(command);
        } catch (UIDetachedException e) {
            // The user navigated away or closed the tab; the import goes on without a screen.
        }
    }
}
