package dev.chameleon.workbench.web.imports;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.upload.Upload;
import dev.chameleon.workbench.curation.io.ImportProblem;
import dev.chameleon.workbench.curation.search.SearchRequest;
import dev.chameleon.workbench.web.KaribuTest;
import dev.chameleon.workbench.web.TestData;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static com.github.mvysny.kaributesting.v10.ButtonKt._click;
import static com.github.mvysny.kaributesting.v10.ComboBoxKt._fireCustomValueSet;
import static com.github.mvysny.kaributesting.v10.DownloadKt._download;
import static com.github.mvysny.kaributesting.v10.GridKt._get;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.UploadKt._upload;
import static org.assertj.core.api.Assertions.assertThat;

class ImportViewTest extends KaribuTest {

    /** Runs the UI updates the background import queued until the report shows (or a timeout). */
    private static Div awaitReport() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<Div> report = List.of();
        while (report.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            MockVaadin.runUIQueue();
            report = _find(Div.class, spec -> spec.withId("import-report"));
        }
        assertThat(report).as("import report shown within 30 s").hasSize(1);
        _find(Paragraph.class, spec -> spec.withId("import-error")).forEach(p -> {
            throw new AssertionError(p.getText());
        });
        return report.get(0);
    }

    @Test
    void uploadImportsIntoANamedDatasetAndReportsEveryProblem() throws Exception {
        UI.getCurrent().navigate(ImportView.class);
        @SuppressWarnings("unchecked")
        ComboBox<String> dataset = _get(ComboBox.class, spec -> spec.withId("dataset"));
        _fireCustomValueSet(dataset, "uploaded");
        Button start = _get(Button.class, spec -> spec.withId("start-import"));
        assertThat(start.isEnabled()).isFalse();

        _upload(_get(Upload.class), "fixture.jsonl", TestData.jsonlBytes());
        assertThat(start.isEnabled()).isTrue();
        _click(start);
        awaitReport();

        assertThat(_get(Paragraph.class, spec -> spec.withId("report-summary")).getText())
                .startsWith("Imported 4 of 6 records from fixture.jsonl (openai) into uploaded")
                .contains("0 duplicates skipped, 2 problems.");
        @SuppressWarnings("unchecked")
        Grid<ImportProblem> problems = _get(Grid.class, spec -> spec.withId("problems"));
        assertThat(_size(problems)).isEqualTo(TestData.BROKEN);
        assertThat(_get(problems, 0).line()).isEqualTo(5);
        assertThat(_get(problems, 1).line()).isEqualTo(6);
        assertThat(_get(problems, 0).file()).isEqualTo("fixture.jsonl");

        String csv = new String(_download(_get(Anchor.class, spec -> spec.withId("report-csv"))),
                StandardCharsets.UTF_8);
        assertThat(csv.lines()).hasSize(1 + TestData.BROKEN).first().isEqualTo("file,line,reason");
        assertThat(csv.lines().skip(1)).allMatch(l -> l.startsWith("fixture.jsonl,"));

        assertThat(curation.count(SearchRequest.of("uploaded", ""))).isEqualTo(TestData.GOOD);
    }

    @Test
    void importingTheSameFileAgainSkipsTheStoredRecords() throws Exception {
        UI.getCurrent().navigate(ImportView.class);
        @SuppressWarnings("unchecked")
        ComboBox<String> dataset = _get(ComboBox.class, spec -> spec.withId("dataset"));
        _fireCustomValueSet(dataset, "twice");
        for (int i = 0; i < 2; i++) {
            _upload(_get(Upload.class), "fixture.jsonl", TestData.jsonlBytes());
            _click(_get(Button.class, spec -> spec.withId("start-import")));
            awaitReport();
            if (i == 0) {
                _get(Div.class, spec -> spec.withId("import-report")).setVisible(false);
            }
        }
        assertThat(_get(Paragraph.class, spec -> spec.withId("report-summary")).getText())
                .startsWith("Imported 0 of 6").contains("4 duplicates skipped");
        assertThat(curation.count(SearchRequest.of("twice", ""))).isEqualTo(TestData.GOOD);
    }

    @Test
    void cancelStopsTheImportAndKeepsWhatWasStored() throws Exception {
        UI.getCurrent().navigate(ImportView.class);
        @SuppressWarnings("unchecked")
        ComboBox<String> dataset = _get(ComboBox.class, spec -> spec.withId("dataset"));
        _fireCustomValueSet(dataset, "cancelled");
        StringBuilder big = new StringBuilder();
        int records = 50_000;
        for (int i = 0; i < records; i++) {
            big.append("{\"messages\":[{\"role\":\"user\",\"content\":\"Question number ").append(i)
                    .append("\"},{\"role\":\"assistant\",\"content\":\"Answer ").append(i).append("\"}]}\n");
        }
        _upload(_get(Upload.class), "big.jsonl", big.toString().getBytes(StandardCharsets.UTF_8));

        _click(_get(Button.class, spec -> spec.withId("start-import")));
        assertThat(_get(Div.class, spec -> spec.withId("import-running")).isVisible()).isTrue();
        _click(_get(Button.class, spec -> spec.withId("cancel-import")));
        awaitReport();

        String summary = _get(Paragraph.class, spec -> spec.withId("report-summary")).getText();
        assertThat(summary).startsWith("Cancelled after importing");
        long stored = curation.count(SearchRequest.of("cancelled", ""));
        assertThat(stored).isLessThan(records);
        assertThat(summary).contains(String.format("importing %,d of", stored));
    }

    @Test
    void theDatasetDefaultsToTheUploadedFileName() {
        UI.getCurrent().navigate(ImportView.class);
        _upload(_get(Upload.class), "shapes.jsonl.gz", new byte[]{1});
        @SuppressWarnings("unchecked")
        ComboBox<String> dataset = _get(ComboBox.class, spec -> spec.withId("dataset"));
        assertThat(dataset.getValue()).isEqualTo("shapes");
    }

    @Test
    void csvFieldsWithCommasOrQuotesAreQuoted() {
        assertThat(ImportView.csvField("plain")).isEqualTo("plain");
        assertThat(ImportView.csvField("a, b")).isEqualTo("\"a, b\"");
        assertThat(ImportView.csvField("say \"x\"")).isEqualTo("\"say \"\"x\"\"\"");
        assertThat(ImportView.csvField("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
    }

    @Test
    void uploadNamesCannotEscapeTheUploadFolder() {
        assertThat(ImportJobs.safeName("../../etc/passwd")).isEqualTo("passwd");
        assertThat(ImportJobs.safeName("C:\\data\\my file.jsonl")).isEqualTo("my_file.jsonl");
        assertThat(ImportJobs.safeName("..")).isEqualTo("upload");
    }
}
