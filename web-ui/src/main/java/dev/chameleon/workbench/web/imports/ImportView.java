package dev.chameleon.workbench.web.imports;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
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
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.Command;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import com.vaadin.flow.server.streams.UploadHandler;
import com.vaadin.flow.server.streams.UploadMetadata;
import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.io.Format;
import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportProblem;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.io.ImportReport;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.web.MainLayout;
import dev.chameleon.workbench.web.datasets.DatasetsView;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Imports a data file into a dataset: upload it (JSON, JSONL, gzip or a tar shard), pick the dataset and,
 * optionally, the category and format, then import it in the background with live progress, a cancel
 * button, and at the end the import report with every refused record.
 */
@Route(value = "import", layout = MainLayout.class)
@PageTitle("Import | Chameleon Workbench")
@Menu(title = "Import", order = 1, icon = "vaadin:upload")
public class ImportView extends VerticalLayout {

    /** Progress reaches the browser at most this often; imports report every batch. */
    private static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;

    private final Curation curation;
    private final ImportJobs jobs;

    private final ComboBox<String> dataset = new ComboBox<>("Dataset");
    private final ComboBox<Category> category = new ComboBox<>("Category");
    private final ComboBox<Format> format = new ComboBox<>("Format");
    private final Upload upload;
    private final Span uploaded = new Span();
    private final Button start = new Button("Import");

    private final Div running = new Div();
    private final ProgressBar progress = new ProgressBar();
    private final Span progressText = new Span();
    private final Button cancel = new Button("Cancel");

    private final Div report = new Div();

    private Path uploadedFile;
    private String uploadedName;
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

        format.setId("format");
        format.setItems(Format.values());
        format.setItemLabelGenerator(Format::wireName);
        format.setPlaceholder("Detect from the file");
        format.setClearButtonVisible(true);

        upload = new Upload(UploadHandler.toFile(this::received,
                meta -> jobs.uploadTarget(meta.fileName()).toFile()));
        upload.setId("upload");
        upload.setMaxFiles(1);
        upload.setDropLabel(new Span("Drop a .json, .jsonl, .jsonl.gz or .tar file here"));
        upload.addFileRemovedListener(e -> forgetUpload());
        upload.addFailedListener(e -> forgetUpload());
        uploaded.setId("uploaded-file");

        start.setId("start-import");
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        start.setEnabled(false);
        start.addClickListener(e -> startImport());

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

        HorizontalLayout options = new HorizontalLayout(dataset, category, format);
        options.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        HorizontalLayout ready = new HorizontalLayout(start, uploaded);
        ready.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        add(new H2("Import"), options, upload, ready, running, report);
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

    /** The upload is on disk (runs under the session lock, after the request body was read). */
    private void received(UploadMetadata meta, File file) {
        forgetUpload();
        uploadedFile = file.toPath();
        uploadedName = meta.fileName();
        uploaded.setText(String.format("Ready: %s (%,d bytes)", meta.fileName(), file.length()));
        if (dataset.getValue() == null || dataset.getValue().isBlank()) {
            useDatasetName(baseName(ImportJobs.safeName(meta.fileName())));
        }
        start.setEnabled(cancelRequested == null);
    }

    private void forgetUpload() {
        if (uploadedFile != null) {
            ImportJobs.discard(uploadedFile);
        }
        uploadedFile = null;
        uploadedName = null;
        uploaded.setText("");
        start.setEnabled(false);
    }

    private void startImport() {
        String name = dataset.getValue() == null ? "" : dataset.getValue().trim();
        if (name.isEmpty()) {
            dataset.setInvalid(true);
            dataset.setErrorMessage("Name the dataset to import into");
            return;
        }
        if (uploadedFile == null) {
            return;
        }
        ImportOptions options = ImportOptions.defaults().withCategory(category.getValue())
                .withFormat(format.getValue());
        Path file = uploadedFile;
        String fileName = uploadedName;
        uploadedFile = null;
        AtomicBoolean cancelled = new AtomicBoolean();
        cancelRequested = cancelled;

        start.setEnabled(false);
        uploaded.setText("");
        report.setVisible(false);
        progress.setIndeterminate(true);
        progressText.setText("Importing " + fileName + " into " + name + "…");
        cancel.setEnabled(true);
        cancel.setText("Cancel");
        running.setVisible(true);

        UI ui = UI.getCurrent();
        ImportProgress listener = new ImportProgress() {
            private long last;

            @Override
            public void update(long bytesDone, long bytesTotal, long imported, long problems) {
                long now = System.nanoTime();
                if (now - last < PROGRESS_INTERVAL_NANOS) {
                    return;
                }
                last = now;
                access(ui, () -> showProgress(bytesDone, bytesTotal, imported, problems));
            }

            @Override
            public boolean cancelled() {
                return cancelled.get();
            }
        };
        jobs.start(name, file, options, listener)
                .whenComplete((result, failure) -> access(ui, () -> finished(result, failure, fileName)));
    }

    private void showProgress(long bytesDone, long bytesTotal, long imported, long problems) {
        if (bytesTotal > 0) {
            progress.setIndeterminate(false);
            progress.setValue(Math.min(1.0, (double) bytesDone / bytesTotal));
        }
        progressText.setText(String.format("%,d examples stored, %,d problems, %s of %s read", imported, problems,
                megabytes(bytesDone), bytesTotal < 0 ? "?" : megabytes(bytesTotal)));
    }

    private void finished(ImportReport result, Throwable failure, String fileName) {
        running.setVisible(false);
        cancelRequested = null;
        if (uploadedFile == null) {
            upload.clearFileList();
        }
        start.setEnabled(uploadedFile != null);
        refreshDatasetNames();
        report.removeAll();
        report.setVisible(true);
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            Paragraph error = new Paragraph("The import of " + fileName + " failed: " + cause.getMessage());
            error.setId("import-error");
            error.getStyle().set("color", "var(--lumo-error-text-color)");
            report.add(new H3("Import failed"), error);
            Notification.show("Import failed: " + cause.getMessage(), 8000, Notification.Position.BOTTOM_START)
                    .addThemeVariants(NotificationVariant.LUMO_ERROR);
            return;
        }
        showReport(result, fileName);
    }

    private void showReport(ImportReport r, String fileName) {
        Paragraph summary = new Paragraph(summary(r, fileName));
        summary.setId("report-summary");
        report.add(new H3(r.cancelled() ? "Import cancelled" : "Import report"), summary);

        RouterLink open = new RouterLink("Open dataset " + r.dataset(), DatasetsView.class);
        open.setQueryParameters(QueryParameters.of("dataset", r.dataset()));
        open.setId("open-dataset");
        HorizontalLayout links = new HorizontalLayout(open);
        if (r.problemCount() > 0) {
            Anchor csv = new Anchor(problemsCsv(r), "Download the problems (CSV)");
            csv.setId("report-csv");
            links.add(csv);

            Grid<ImportProblem> grid = new Grid<>();
            grid.setId("problems");
            grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
            grid.addColumn(ImportProblem::file).setHeader("File").setAutoWidth(true).setFlexGrow(0);
            grid.addColumn(ImportProblem::line).setHeader("Line").setAutoWidth(true).setFlexGrow(0);
            grid.addColumn(ImportProblem::reason).setHeader("Reason").setFlexGrow(1);
            grid.setItems(r.problems());
            grid.setHeight("20em");
            report.add(links, grid);
            if (r.problems().size() < r.problemCount()) {
                report.add(new Paragraph(String.format("The first %,d of %,d problems are listed; the CSV has all.",
                        r.problems().size(), r.problemCount())));
            }
        } else {
            report.add(links);
        }
    }

    /** One sentence saying what happened, e.g. "Imported 3 of 4 records from a.jsonl (openai) into demo…". */
    static String summary(ImportReport r, String fileName) {
        return String.format(Locale.ROOT, "%s %,d of %,d records from %s%s into %s in %.1f s: "
                        + "%,d duplicates skipped, %,d problems.%s",
                r.cancelled() ? "Cancelled after importing" : "Imported", r.imported(), r.records(), fileName,
                r.format() == null ? "" : " (" + r.format().wireName() + ")", r.dataset(), r.seconds(),
                r.duplicates(), r.problemCount(),
                r.cancelled() ? " The examples stored before cancelling are kept; import the file again to "
                        + "complete it (stored records are skipped)." : "");
    }

    /** Every problem of the import (not only the listed ones) as CSV: file, line, reason. */
    private DownloadHandler problemsCsv(ImportReport r) {
        long job = r.jobId();
        String name = "import-" + job + "-problems.csv";
        return DownloadHandler.fromInputStream(event -> {
            StringBuilder csv = new StringBuilder("file,line,reason\n");
            for (ImportProblem p : curation.importProblems(job)) {
                csv.append(csvField(p.file())).append(',').append(p.line()).append(',')
                        .append(csvField(p.reason())).append('\n');
            }
            byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
            return new DownloadResponse(new ByteArrayInputStream(bytes), name, "text/csv", bytes.length);
        });
    }

    /** Quotes a CSV field when needed, and defuses text a spreadsheet would run as a formula. */
    static String csvField(String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        if ("=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
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
