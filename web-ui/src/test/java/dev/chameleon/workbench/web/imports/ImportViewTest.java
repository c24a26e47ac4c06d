package dev.chameleon.workbench.web.imports;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import dev.chameleon.workbench.curation.io.ImportProblem;
import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.search.SearchRequest;
import dev.chameleon.workbench.web.KaribuTest;
import dev.chameleon.workbench.web.TestData;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static com.github.mvysny.kaributesting.v10.ButtonKt._click;
import static com.github.mvysny.kaributesting.v10.ComboBoxKt._fireCustomValueSet;
import static com.github.mvysny.kaributesting.v10.DownloadKt._download;
import static com.github.mvysny.kaributesting.v10.GridKt._get;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.HasValueUtilsKt._setValue;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.UploadKt._upload;
import static org.assertj.core.api.Assertions.assertThat;

@Tag("view")
class ImportViewTest extends KaribuTest {

    /** The report's summary: one sentence per imported file (failed files have their own line). */
    private static String summary() {
        _get(Div.class, spec -> spec.withId("report-summary"));
        return String.join(" ", _find(Paragraph.class, spec -> spec.withClasses("file-summary")).stream()
                .map(Paragraph::getText).toList());
    }

    /** Runs the UI updates the background import queued until the report shows (or a timeout). */
    private static Div awaitReport() throws InterruptedException {
        List<Div> report = Awaitility.await("import report shown within 30 s").atMost(Duration.ofSeconds(30))
                .pollInSameThread().pollInterval(Duration.ofMillis(20)).until(() -> {
                    MockVaadin.runUIQueue();
                    return _find(Div.class, spec -> spec.withId("import-report"));
                }, r -> !r.isEmpty());
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

        assertThat(summary())
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
        assertThat(summary())
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

        String summary = summary();
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

    private static String chat(String user, String assistant) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + user + "\"},"
                + "{\"role\":\"assistant\",\"content\":\"" + assistant + "\"}]}\n";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(String className) {
        return _find(Paragraph.class, spec -> spec.withClasses(className)).stream().map(Paragraph::getText).toList();
    }

    private static List<Div> previewExamples() {
        return _find(Div.class, spec -> spec.withClasses("preview-example"));
    }

    @SuppressWarnings("unchecked")
    private static void nameDataset(String name) {
        _fireCustomValueSet(_get(ComboBox.class, spec -> spec.withId("dataset")), name);
    }

    @Test
    void anUploadIsPreviewedWithItsFormatMappingKindAndFirstFiveExamples() {
        UI.getCurrent().navigate(ImportView.class);
        StringBuilder eight = new StringBuilder();
        for (int i = 1; i <= 8; i++) {
            eight.append(chat("Question " + i + "?", "Answer " + i + "."));
        }

        _upload(_get(Upload.class), "eight.jsonl", utf8(eight.toString()));

        assertThat(texts("preview-format")).containsExactly("Format: openai (detected)");
        assertThat(texts("preview-mapping")).singleElement().asString().startsWith("Mapping in effect: ")
                .contains("messages=messages");
        assertThat(texts("preview-kind")).containsExactly("Looks like: SFT conversations");
        assertThat(previewExamples()).hasSize(ImportJobs.PREVIEW_EXAMPLES);
        assertThat(texts("message-text")).contains("Question 1?", "Answer 5.").doesNotContain("Question 6?");
        assertThat(curation.datasets()).noneMatch(d -> d.dataset().name().equals("eight"));
    }

    @Test
    void changingTheMappingPreviewsAgainAndABadMappingIsExplainedBesideTheField() {
        UI.getCurrent().navigate(ImportView.class);
        _upload(_get(Upload.class), "fragen.jsonl", utf8("{\"frage\": \"Wie spät ist es?\", \"antwort\": \"Drei.\"}\n"));
        assertThat(previewExamples()).isEmpty();
        assertThat(texts("preview-refusal")).singleElement().asString().contains("frage");

        TextField mapping = _get(TextField.class, spec -> spec.withId("mapping"));
        _setValue(mapping, "frage=prompt,antwort=response");

        assertThat(texts("preview-refusal")).isEmpty();
        assertThat(previewExamples()).hasSize(1);
        assertThat(texts("message-text")).containsExactly("Wie spät ist es?", "Drei.");
        assertThat(texts("preview-mapping")).singleElement().asString().contains("prompt=frage")
                .contains("response=antwort");

        _setValue(mapping, "frage");
        assertThat(mapping.isInvalid()).isTrue();
        assertThat(mapping.getErrorMessage()).contains("'frage'");
        assertThat(previewExamples()).as("the last good preview stays").hasSize(1);
    }

    @Test
    void anUndetectableUploadIsRefusedInOneLine() {
        UI.getCurrent().navigate(ImportView.class);
        byte[] noise = new byte[2048];
        new java.util.Random(3).nextBytes(noise);

        _upload(_get(Upload.class), "noise.bin", noise);

        assertThat(texts("preview-refusal")).singleElement().asString().startsWith("noise.bin: ")
                .doesNotContain("\n").doesNotContain("Exception").contains("--format");
        assertThat(previewExamples()).isEmpty();
    }

    @Test
    void recordsWithoutAnswersAreSuggestedAsAPromptSet() {
        UI.getCurrent().navigate(ImportView.class);

        _upload(_get(Upload.class), "prompts.jsonl",
                utf8("{\"messages\":[{\"role\":\"user\",\"content\":\"Describe a sunset.\"}]}\n"));

        @SuppressWarnings("unchecked")
        RadioButtonGroup<DatasetKind> kind = _get(RadioButtonGroup.class, spec -> spec.withId("kind"));
        assertThat(kind.getValue()).isEqualTo(DatasetKind.PROMPTS);
        assertThat(texts("preview-kind")).containsExactly("Looks like: a prompt set");
        assertThat(previewExamples()).hasSize(1);
    }

    @Test
    void aRemoteImageIsShownAsNotAvailableOffline() {
        UI.getCurrent().navigate(ImportView.class);
        String record = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":"
                + "{\"url\":\"https://example.com/cat.png\"}},{\"type\":\"text\",\"text\":\"What is this?\"}]},"
                + "{\"role\":\"assistant\",\"content\":\"A cat.\"}]}\n";

        _upload(_get(Upload.class), "remote.jsonl", utf8(record));

        assertThat(texts("message-remote-image")).singleElement().asString().contains("not available offline")
                .contains("https://example.com/cat.png");
        assertThat(_get(Checkbox.class, spec -> spec.withId("fetch-images")).getValue()).isFalse();
    }

    @Test
    void aBadFileAmongThreeIsRefusedAndTheOtherTwoImportAsAccepted() throws Exception {
        UI.getCurrent().navigate(ImportView.class);
        nameDataset("three");
        _upload(_get(Upload.class), "first.jsonl", utf8(chat("What is two plus two?", "Four.")));
        _upload(_get(Upload.class), "middle.jsonl", utf8("{\"unknown\": 1, \"keys\": 2}\n"));
        _upload(_get(Upload.class), "last.jsonl", utf8(chat("Name a primary colour.", "Red.")));
        assertThat(_find(Div.class, spec -> spec.withClasses("file-preview"))).hasSize(3);
        assertThat(texts("preview-refusal")).singleElement().asString().startsWith("middle.jsonl: ");
        @SuppressWarnings("unchecked")
        RadioButtonGroup<ReviewStatus> status = _get(RadioButtonGroup.class, spec -> spec.withId("status"));
        _setValue(status, ReviewStatus.ACCEPTED);

        _click(_get(Button.class, spec -> spec.withId("start-import")));
        awaitReport();

        assertThat(texts("file-summary")).hasSize(3);
        assertThat(texts("file-summary").get(0)).startsWith("Imported 1 of 1 records from first.jsonl");
        assertThat(texts("file-summary").get(1)).startsWith("Refused middle.jsonl: ").contains("unknown");
        assertThat(texts("file-summary").get(2)).startsWith("Imported 1 of 1 records from last.jsonl");
        @SuppressWarnings("unchecked")
        Grid<ImportProblem> problems = _get(Grid.class, spec -> spec.withId("problems"));
        assertThat(_size(problems)).isEqualTo(1);
        assertThat(_get(problems, 0).file()).isEqualTo("middle.jsonl");
        assertThat(_get(problems, 0).line()).isZero();
        assertThat(curation.rows(SearchRequest.of("three", ""), 0, 10)).hasSize(2)
                .allMatch(r -> r.status() == ReviewStatus.ACCEPTED);
    }

    @Test
    void uploadNamesCannotEscapeTheUploadFolder() {
        assertThat(ImportJobs.safeName("../../etc/passwd")).isEqualTo("passwd");
        assertThat(ImportJobs.safeName("C:\\data\\my file.jsonl")).isEqualTo("my_file.jsonl");
        assertThat(ImportJobs.safeName("..")).isEqualTo("upload");
    }
}
