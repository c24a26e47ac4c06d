package dev.chameleon.workbench.web.datasets;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.QueryParameters;
import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.store.DatasetSummary;
import dev.chameleon.workbench.curation.store.ExampleRow;
import dev.chameleon.workbench.web.KaribuTest;
import dev.chameleon.workbench.web.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static com.github.mvysny.kaributesting.v10.ButtonKt._click;
import static com.github.mvysny.kaributesting.v10.NotificationsKt.getNotifications;
import static com.github.mvysny.kaributesting.v10.ShortcutsKt._fireShortcut;
import static com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt._fireConfirm;
import static com.github.mvysny.kaributesting.v10.DownloadKt.download;
import static com.github.mvysny.kaributesting.v10.GridKt._clickItem;
import static com.github.mvysny.kaributesting.v10.GridKt._get;
import static com.github.mvysny.kaributesting.v10.GridKt._getCellComponent;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.HasValueUtilsKt._setValue;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

@Tag("view")
class DatasetsViewTest extends KaribuTest {

    /** Imports the fixture into a fresh dataset and opens the Datasets view on it. */
    private void openImported(String dataset) throws Exception {
        curation.importFile(dataset, TestData.writeJsonl(Files.createTempDirectory(TestData.buildDir("fixtures"),
                dataset)), ImportOptions.defaults(), ImportProgress.NONE);
        UI.getCurrent().navigate(DatasetsView.class, QueryParameters.of("dataset", dataset));
    }

    @SuppressWarnings("unchecked")
    private static Grid<ExampleRow> examples() {
        return _get(Grid.class, spec -> spec.withId("examples"));
    }

    private int rowIndex(String promptFragment) {
        Grid<ExampleRow> grid = examples();
        return IntStream.range(0, _size(grid)).filter(i -> _get(grid, i).preview().contains(promptFragment))
                .findFirst().orElseThrow(() -> new AssertionError("no row with prompt '" + promptFragment + "'"));
    }

    @Test
    void gridShowsTheImportedRowsAndTheDatasetCounts() throws Exception {
        openImported("browse");

        assertThat(_size(examples())).isEqualTo(TestData.GOOD);
        assertThat(_get(Span.class, spec -> spec.withId("match-count")).getText()).isEqualTo("4 examples");
        @SuppressWarnings("unchecked")
        Grid<DatasetSummary> datasets = _get(Grid.class, spec -> spec.withId("datasets"));
        DatasetSummary summary = IntStream.range(0, _size(datasets)).mapToObj(i -> _get(datasets, i))
                .filter(s -> s.dataset().name().equals("browse")).findFirst().orElseThrow();
        assertThat(summary.total()).isEqualTo(4);
        assertThat(summary.count(Category.VISUAL_CHAT)).isEqualTo(1);
        assertThat(summary.withImages()).isEqualTo(2);
    }

    @Test
    void searchAndFiltersNarrowTheRows() throws Exception {
        openImported("narrow");
        TextField search = _get(TextField.class, spec -> spec.withId("search"));

        _setValue(search, "circle");
        assertThat(_size(examples())).isEqualTo(1);
        assertThat(_get(examples(), 0).preview()).contains("What shape is this?");

        _setValue(search, "capital OR python");
        assertThat(_size(examples())).isEqualTo(2);

        _setValue(search, "");
        @SuppressWarnings("unchecked")
        ComboBox<Boolean> images = _get(ComboBox.class, spec -> spec.withId("image-filter"));
        _setValue(images, true);
        assertThat(_size(examples())).isEqualTo(2);
        @SuppressWarnings("unchecked")
        ComboBox<Category> category = _get(ComboBox.class, spec -> spec.withId("category-filter"));
        _setValue(category, Category.VISUAL_CHAT);
        assertThat(_size(examples())).isEqualTo(1);
    }

    @Test
    void aQueryThatDoesNotParseIsExplainedAndNotRun() throws Exception {
        openImported("badquery");
        TextField search = _get(TextField.class, spec -> spec.withId("search"));

        _setValue(search, "length:[abc TO 5]");

        assertThat(search.isInvalid()).isTrue();
        assertThat(search.getErrorMessage()).contains("length takes a whole number");
        assertThat(_size(examples())).isEqualTo(4);
    }

    @Test
    void detailRendersTheConversationWithTheImageFromTheStore() throws Exception {
        openImported("detail");
        _clickItem(examples(), rowIndex("What shape is this?"));

        Dialog dialog = _get(Dialog.class);
        Div conversation = _get(dialog, Div.class, spec -> spec.withId("conversation"));
        assertThat(_find(conversation, Span.class, spec -> spec.withClasses("message-role")))
                .extracting(Span::getText).containsExactly("User", "Assistant");
        List<Image> images = _find(conversation, Image.class);
        assertThat(images).hasSize(1);
        byte[] png = download(images.get(0));
        assertThat(ImageIO.read(new ByteArrayInputStream(png)).getWidth()).isEqualTo(64);
    }

    @Test
    void acceptChangesTheStatusInTheWorkspace() throws Exception {
        openImported("review");
        ExampleRow row = _get(examples(), rowIndex("capital"));
        _clickItem(examples(), rowIndex("capital"));

        _click(_get(Button.class, spec -> spec.withId("accept")));

        assertThat(curation.example(row.id()).orElseThrow().status()).isEqualTo(ReviewStatus.ACCEPTED);
        assertThat(_get(Span.class, spec -> spec.withId("detail-status")).getText()).startsWith("Accepted");
        @SuppressWarnings("unchecked")
        ComboBox<ReviewStatus> status = _get(ComboBox.class, spec -> spec.withId("status-filter"));
        _setValue(status, ReviewStatus.ACCEPTED);
        assertThat(_size(examples())).isEqualTo(1);

        _click(_get(Button.class, spec -> spec.withId("reject")));
        assertThat(curation.example(row.id()).orElseThrow().status()).isEqualTo(ReviewStatus.REJECTED);
        assertThat(_size(examples())).isZero();
        assertThat(curation.dataset("review").orElseThrow().count(ReviewStatus.REJECTED)).isEqualTo(1);
    }

    @Test
    void reCategorisingToACategoryTheShapeDoesNotFitShowsWhyAndChangesNothing() throws Exception {
        openImported("recategorise");
        ExampleRow row = _get(examples(), rowIndex("capital"));
        _clickItem(examples(), rowIndex("capital"));
        @SuppressWarnings("unchecked")
        ComboBox<Category> category = _get(ComboBox.class, spec -> spec.withId("detail-category"));

        _setValue(category, Category.IMAGE_GENERATION);

        assertThat(_get(Div.class, spec -> spec.withId("category-problems")).getElement().getTextRecursively())
                .contains("an Image Generation example needs an image in an assistant answer");
        assertThat(category.getValue()).isEqualTo(Category.TEXT);
        assertThat(curation.example(row.id()).orElseThrow().category()).isEqualTo(Category.TEXT);

        _setValue(category, Category.CODE);
        assertThat(curation.example(row.id()).orElseThrow().category()).isEqualTo(Category.CODE);
        assertThat(_get(Div.class, spec -> spec.withId("category-problems")).getElement().getTextRecursively())
                .isEmpty();
    }

    private DatasetSummary summary(String dataset) {
        return curation.dataset(dataset).orElseThrow();
    }

    private static ConfirmDialog confirmDialog() {
        return _get(ConfirmDialog.class, spec -> spec.withId("bulk-confirm"));
    }

    @Test
    void bulkAcceptOfTheMatchingSetUpdatesTheCountsAndUndoRestoresThem() throws Exception {
        openImported("bulk");
        _setValue(_get(ComboBox.class, spec -> spec.withId("image-filter")), true);
        Button accept = _get(Button.class, spec -> spec.withId("bulk-accept"));
        assertThat(accept.getText()).isEqualTo("Accept 2 matching");

        _click(accept);
        assertThat(confirmDialog().getElement().getProperty("header")).isEqualTo("Accept 2 examples?");
        _fireConfirm(confirmDialog());

        assertThat(summary("bulk").count(ReviewStatus.ACCEPTED)).isEqualTo(2);
        assertThat(summary("bulk").count(ReviewStatus.PENDING)).isEqualTo(2);
        assertThat(_get(Span.class, spec -> spec.withId("bulk-result-text")).getText()).isEqualTo("Accept: 2 changed");
        @SuppressWarnings("unchecked")
        Grid<DatasetSummary> datasets = _get(Grid.class, spec -> spec.withId("datasets"));
        assertThat(IntStream.range(0, _size(datasets)).mapToObj(i -> _get(datasets, i))
                .filter(s -> s.dataset().name().equals("bulk")).findFirst().orElseThrow()
                .count(ReviewStatus.ACCEPTED)).isEqualTo(2);

        _click(_get(Button.class, spec -> spec.withId("bulk-undo")));

        assertThat(summary("bulk").count(ReviewStatus.ACCEPTED)).isZero();
        assertThat(summary("bulk").count(ReviewStatus.PENDING)).isEqualTo(4);
        assertThat(getNotifications()).extracting(n -> n.getElement().getProperty("text"))
                .contains("Undone: 2 examples restored");
    }

    @Test
    void bulkReCategorisingSkipsTheExamplesWhoseShapeDoesNotFitAndSaysWhy() throws Exception {
        openImported("bulkcat");
        @SuppressWarnings("unchecked")
        ComboBox<Category> target = _get(ComboBox.class, spec -> spec.withId("bulk-category"));
        _setValue(target, Category.CODE);

        _click(_get(Button.class, spec -> spec.withId("bulk-recategorise")));
        _fireConfirm(confirmDialog());

        assertThat(summary("bulkcat").count(Category.CODE)).isEqualTo(2);
        assertThat(summary("bulkcat").count(Category.VISUAL_CHAT)).isEqualTo(1);
        assertThat(_get(Span.class, spec -> spec.withId("bulk-result-text")).getText())
                .startsWith("Category code: 1 changed, 1 already so, 2 skipped (a Code example must not contain images");
    }

    @Test
    void bulkTagAddsTheTagToTheSearchMatches() throws Exception {
        openImported("bulktag");
        _setValue(_get(TextField.class, spec -> spec.withId("search")), "capital OR python");
        _setValue(_get(TextField.class, spec -> spec.withId("bulk-tag")), "checked");

        _click(_get(Button.class, spec -> spec.withId("bulk-add-tag")));
        _fireConfirm(confirmDialog());

        _setValue(_get(TextField.class, spec -> spec.withId("search")), "tag:checked");
        assertThat(_size(examples())).isEqualTo(2);
    }

    @Test
    void keyboardShortcutsReviewAndMoveThroughTheRows() throws Exception {
        openImported("keys");
        _clickItem(examples(), 0);
        ExampleRow first = _get(examples(), 0);
        ExampleRow second = _get(examples(), 1);
        Div body = _get(Div.class, spec -> spec.withId("detail-body"));
        assertThat(_get(Span.class, spec -> spec.withId("detail-shortcuts")).getText())
                .contains("A accept").contains("R reject").contains("N or J next").contains("P or K previous");

        _fireShortcut(body, Key.KEY_A);
        assertThat(curation.example(first.id()).orElseThrow().status()).isEqualTo(ReviewStatus.ACCEPTED);

        _fireShortcut(body, Key.KEY_N);
        assertThat(_get(Dialog.class).getHeaderTitle()).isEqualTo("Example " + second.id());
        _fireShortcut(body, Key.KEY_R);
        assertThat(curation.example(second.id()).orElseThrow().status()).isEqualTo(ReviewStatus.REJECTED);

        _fireShortcut(body, Key.KEY_K);
        assertThat(_get(Dialog.class).getHeaderTitle()).isEqualTo("Example " + first.id());
        _fireShortcut(body, Key.KEY_J);
        _fireShortcut(body, Key.KEY_J);
        assertThat(_get(Dialog.class).getHeaderTitle()).isEqualTo("Example " + _get(examples(), 2).id());
    }

    @Test
    void nextAfterReviewingOutOfAStatusFilterGoesToTheRowNowInItsPlace() throws Exception {
        openImported("keysfilter");
        @SuppressWarnings("unchecked")
        ComboBox<ReviewStatus> status = _get(ComboBox.class, spec -> spec.withId("status-filter"));
        _setValue(status, ReviewStatus.PENDING);
        long secondId = _get(examples(), 1).id();
        _clickItem(examples(), 0);
        Div body = _get(Div.class, spec -> spec.withId("detail-body"));

        _fireShortcut(body, Key.KEY_A); // leaves the pending rows
        _fireShortcut(body, Key.KEY_N);

        assertThat(_get(Dialog.class).getHeaderTitle()).isEqualTo("Example " + secondId);
    }

    @Test
    void theDetailShowsTheRejectedAnswerTheToolsAndTheReviewNote() throws Exception {
        Path f = Files.createTempDirectory(TestData.buildDir("fixtures"), "rich").resolve("rich.jsonl");
        Files.writeString(f, "{\"category\":\"text\",\"status\":\"pending\",\"tags\":[],"
                + "\"source\":{\"file\":\"x.jsonl\",\"line\":1},\"metadata\":{\"review_note\":\"check the tone\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Weather?\"}]},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Sunny.\"}]}],"
                + "\"tools\":[{\"name\":\"weather\"}],"
                + "\"rejected\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Go away.\"}]}]}\n");
        curation.importFile("rich", f, ImportOptions.defaults(), ImportProgress.NONE);
        UI.getCurrent().navigate(DatasetsView.class, QueryParameters.of("dataset", "rich"));

        _clickItem(examples(), 0);

        assertThat(_get(Div.class, spec -> spec.withId("review-note")).getElement().getTextRecursively())
                .isEqualTo("Review note: check the tone");
        assertThat(_get(Pre.class, spec -> spec.withId("detail-tools")).getText())
                .isEqualTo("[ {\n  \"name\" : \"weather\"\n} ]");
        Div rejected = _get(Div.class, spec -> spec.withId("rejected-answer"));
        assertThat(rejected.getElement().getTextRecursively()).startsWith("Rejected answer").contains("Go away.");
    }

    @Test
    void theDatasetsGridShowsTheKindAsABadge() throws Exception {
        curation.importFile("prompts-kind", TestData.writeJsonl(Files.createTempDirectory(
                TestData.buildDir("fixtures"), "kind")), ImportOptions.defaults().withKind(DatasetKind.PROMPTS),
                ImportProgress.NONE);
        openImported("sft-kind");

        @SuppressWarnings("unchecked")
        Grid<DatasetSummary> datasets = _get(Grid.class, spec -> spec.withId("datasets"));
        List<String> badges = IntStream.range(0, _size(datasets)).filter(i -> _get(datasets, i).dataset().name()
                .endsWith("-kind")).mapToObj(i -> ((Span) _getCellComponent(datasets, i, "kind")).getText()).toList();
        assertThat(badges).containsExactly("Prompt set", "SFT"); // sorted by name
    }
}
