package dev.chameleon.workbench.web.imports;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
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
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.Command;
import com.vaadin.flow.server.streams.UploadHandler;
import com.vaadin.flow.server.streams.UploadMetadata;
import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.FileImport;
import dev.chameleon.workbench.curation.io.ColumnMap;
import dev.chameleon.workbench.curation.io.Format;
import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.web.MainLayout;
import dev.chameleon.workbench.web.common.Links;
import dev.chameleon.workbench.web.imports.PreviewCard.FilePreview;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /** An upload waiting to be imported: the name the user gave it and where it lies. */
    private record Uploaded(String name, Path file) {
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

    private final ImportProgressPanel running = new ImportProgressPanel();

    private final Div report = new Div();

    private final List<Uploaded> uploads = new ArrayList<>();
    private Map<String, String> columns = Map.of();
    /** The user picked the kind; until then each preview selects the kind its records look like. */
    private boolean kindChosen;
    private boolean suggestingKind;

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
        start.setEnabled(!uploads.isEmpty() && !running.active());
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
        previews.forEach(p -> preview.add(new PreviewCard(p, format.getValue() != null, curation.images())));
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
        start.setEnabled(false);
        uploaded.setText("");
        preview.removeAll();
        preview.setVisible(false);
        report.setVisible(false);
        AtomicBoolean cancelled = running.start("Importing " + String.join(", ", names.values()) + " into " + name
                + "…");

        UI ui = UI.getCurrent();
        List<Path> files = List.copyOf(names.keySet());
        jobs.start(name, files, options, file -> running.watch(ui, names.get(file) + (files.size() > 1
                        ? " (" + (files.indexOf(file) + 1) + " of " + files.size() + ")" : ""), cancelled))
                .whenComplete((results, failure) -> access(ui, () -> finished(name, results, failure, names)));
    }

    private void finished(String name, List<FileImport> results, Throwable failure, Map<Path, String> names) {
        running.finish();
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
        report.add(new ImportReportPanel(curation, name, results, names));
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

    /** Runs a UI change from a background thread; a closed tab just stops receiving progress. */
    static void access(UI ui, Command command) {
        try {
            ui.access(command);
        } catch (UIDetachedException e) {
            // The user navigated away or closed the tab; the import goes on without a screen.
        }
    }
}
