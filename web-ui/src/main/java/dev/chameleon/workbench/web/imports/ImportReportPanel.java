package dev.chameleon.workbench.web.imports;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.FileImport;
import dev.chameleon.workbench.curation.io.ImportProblem;
import dev.chameleon.workbench.curation.io.ImportReport;
import dev.chameleon.workbench.web.common.Links;
import dev.chameleon.workbench.web.common.ProblemsCsv;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of a finished import: one summary line per file, a link to the dataset, then every file's refused
 * records in one grid and one CSV.
 */
final class ImportReportPanel extends Div {

    ImportReportPanel(Curation curation, String name, List<FileImport> results, Map<Path, String> names) {
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
        add(new H3(cancelled ? "Import cancelled" : "Import report"), summary);

        RouterLink open = Links.toDataset("Open dataset " + name, name);
        open.setId("open-dataset");
        HorizontalLayout links = new HorizontalLayout(open);
        long problemCount = reports.stream().mapToLong(ImportReport::problemCount).sum();
        if (problemCount == 0) {
            add(links);
            return;
        }
        Anchor csv = new Anchor(problemsCsv(curation, reports), "Download the problems (CSV)");
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
        add(links, grid);
        if (listed.size() < problemCount) {
            add(new Paragraph(String.format("The first %,d of %,d problems are listed; the CSV has all.",
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
    private static DownloadHandler problemsCsv(Curation curation, List<ImportReport> reports) {
        List<Long> jobIds = reports.stream().map(ImportReport::jobId).toList();
        String name = "import-" + jobIds.get(0) + "-problems.csv";
        return DownloadHandler.fromInputStream(event -> {
            StringBuilder csv = new StringBuilder();
            ProblemsCsv.write(curation, jobIds, csv);
            byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
            return new DownloadResponse(new ByteArrayInputStream(bytes), name, "text/csv", bytes.length);
        });
    }
}
