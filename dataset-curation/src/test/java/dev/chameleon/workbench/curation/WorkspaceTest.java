package dev.chameleon.workbench.curation;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.search.QuerySyntaxException;
import dev.chameleon.workbench.curation.search.SearchRequest;
import dev.chameleon.workbench.curation.snapshot.Snapshot;
import dev.chameleon.workbench.curation.store.Dataset;
import dev.chameleon.workbench.curation.store.ExampleRow;
import dev.chameleon.workbench.curation.store.InsertResult;
import dev.chameleon.workbench.curation.store.WorkspaceLockedException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("unit")
class WorkspaceTest {

    @TempDir
    Path dir;

    private static List<Example> texts(int n) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TestExamples.text("question number " + i + (i % 2 == 0 ? " about rivers" : " about stars"),
                    "answer " + i, i + 1));
        }
        return out;
    }

    @Test
    void insertSkipsDuplicatesAndPagesByPosition() {
        try (Curation c = Curation.open(dir)) {
            Dataset d = c.createDataset("d1");
            InsertResult first = c.store().insert(d, texts(120));
            assertThat(first.inserted()).hasSize(120);
            List<Example> again = new ArrayList<>(texts(130));
            again.add(texts(1).get(0)); // a duplicate inside the batch too
            InsertResult second = c.store().insert(d, again);
            assertThat(second.inserted()).hasSize(10);
            assertThat(second.duplicates()).isEqualTo(121);

            SearchRequest all = SearchRequest.of("d1", null);
            assertThat(c.count(all)).isEqualTo(130);
            List<ExampleRow> page = c.rows(all, 100, 25);
            assertThat(page).hasSize(25);
            assertThat(page.get(0).preview()).isEqualTo("question number 100 about rivers");
            assertThat(page).extracting(ExampleRow::seq).containsExactlyElementsOf(
                    java.util.stream.LongStream.range(100, 125).boxed().toList());
            assertThat(c.rows(all, 125, 25)).hasSize(5);
        }
    }

    @Test
    void searchFindsWordsAndFiltersAndRejectsBadSyntax() {
        try (Curation c = Curation.open(dir)) {
            Dataset d = c.createDataset("d1");
            var inserted = c.store().insert(d, texts(40)).inserted();
            c.index().addNew("d1", inserted);
            c.index().refresh();
            assertThat(c.count(SearchRequest.of("d1", "rivers"))).isEqualTo(20);
            assertThat(c.count(SearchRequest.of("d1", "stars AND \"number 3\""))).isEqualTo(1);
            assertThat(c.count(SearchRequest.of("d1", "category:text AND length:[0 TO 30]")))
                    .isEqualTo(c.count(SearchRequest.of("d1", "length:[0 TO 30]")));
            assertThat(c.count(SearchRequest.of("d1", "category:code"))).isZero();
            assertThat(c.count(new SearchRequest("d1", null, Category.TEXT, ReviewStatus.PENDING, false))).isEqualTo(40);
            assertThatThrownBy(() -> c.count(SearchRequest.of("d1", "rivers AND (")))
                    .isInstanceOf(QuerySyntaxException.class).hasMessageContaining("Syntax");
            assertThatThrownBy(() -> c.count(SearchRequest.of("d1", "category:pictures")))
                    .isInstanceOf(QuerySyntaxException.class).hasMessageContaining("visual_chat");
        }
    }

    @Test
    void reviewChangesReachTheIndexAndSurviveReopen() {
        Curation c = Curation.open(dir);
        Dataset d = c.createDataset("d1");
        var inserted = c.store().insert(d, texts(5)).inserted();
        c.index().addNew("d1", inserted);
        c.index().commit(inserted.get(4).id());
        long id = inserted.get(2).id();
        c.setStatus(id, ReviewStatus.ACCEPTED);
        assertThat(c.count(SearchRequest.of("d1", "status:accepted"))).isEqualTo(1);
        // The change is in the database and marked dirty; "crash" before the index commits it.
        assertThat(c.store().dirtyIds()).contains(id);
        c.index().close(); // IndexWriter.close commits by default, so roll the index back by hand:
        try (Curation reopened = Curation.open(dir)) {
            assertThat(reopened.count(SearchRequest.of("d1", "status:accepted"))).isEqualTo(1);
            assertThat(reopened.example(id)).get().extracting(Example::status).isEqualTo(ReviewStatus.ACCEPTED);
            assertThat(reopened.store().dirtyIds()).isEmpty();
        } finally {
            c.store().close();
        }
    }

    @Test
    void examplesStoredButNotIndexedBeforeACrashAreIndexedOnOpen() {
        try (Curation c = Curation.open(dir)) {
            Dataset d = c.createDataset("d1");
            c.store().insert(d, texts(30)); // stored, never indexed: as if killed mid-import
        }
        try (Curation c = Curation.open(dir)) {
            assertThat(c.count(SearchRequest.of("d1", "rivers"))).isEqualTo(15);
        }
    }

    @Test
    void categoryChangeIsRefusedWhenTheShapeDoesNotFit() {
        try (Curation c = Curation.open(dir)) {
            Dataset d = c.createDataset("d1");
            String img = TestExamples.storePng(c.images(), Color.RED);
            var e = c.store().insert(d, List.of(TestExamples.visualChat(img, "What colour?", "Red.", 1))).inserted().get(0);
            assertThat(c.setCategory(e.id(), Category.IMAGE_GENERATION, null))
                    .singleElement().asString().contains("needs an image in an assistant answer");
            assertThat(c.example(e.id()).orElseThrow().category()).isEqualTo(Category.VISUAL_CHAT);
            assertThat(c.setCategory(e.id(), Category.SAFETY, "privacy")).isEmpty();
            Example changed = c.example(e.id()).orElseThrow();
            assertThat(changed.category()).isEqualTo(Category.SAFETY);
            assertThat(changed.harmCategory()).isEqualTo("privacy");
            assertThat(c.setCategory(e.id(), Category.SAFETY, "not-a-harm")).isNotEmpty();
        }
    }

    @Test
    void snapshotFreezesAcceptedExamplesWithImagesAndManifest() throws Exception {
        try (Curation c = Curation.open(dir)) {
            Dataset d = c.createDataset("d1");
            String img = TestExamples.storePng(c.images(), Color.BLUE);
            List<Example> batch = new ArrayList<>(texts(4));
            batch.add(TestExamples.visualChat(img, "What colour?", "Blue.", 9));
            var ins = c.store().insert(d, batch).inserted();
            c.setStatus(ins.get(0).id(), ReviewStatus.ACCEPTED);
            c.setStatus(ins.get(4).id(), ReviewStatus.ACCEPTED);
            c.setStatus(ins.get(1).id(), ReviewStatus.REJECTED);

            Snapshot s1 = c.snapshot("d1");
            assertThat(s1.version()).isEqualTo(1);
            assertThat(s1.examples()).isEqualTo(2);
            assertThat(s1.images()).isEqualTo(1);
            assertThat(s1.byCategory()).containsEntry(Category.TEXT, 1L).containsEntry(Category.VISUAL_CHAT, 1L);
            List<String> lines = Files.readAllLines(s1.dir().resolve("examples.jsonl"));
            assertThat(lines).hasSize(2);
            assertThat(lines.get(1)).contains("\"path\":\"images/" + img + ".png\"");
            assertThat(s1.dir().resolve("images").resolve(img + ".png")).exists();
            assertThat(Files.readString(s1.dir().resolve("manifest.json"))).contains(s1.contentHash())
                    .contains("\"visual_chat\" : 1");
            assertThat(Files.getPosixFilePermissions(s1.dir().resolve("examples.jsonl")))
                    .doesNotContain(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

            c.setStatus(ins.get(2).id(), ReviewStatus.ACCEPTED);
            Snapshot s2 = c.snapshot("d1");
            assertThat(s2.version()).isEqualTo(2);
            assertThat(s2.examples()).isEqualTo(3);
            assertThat(s2.contentHash()).isNotEqualTo(s1.contentHash());
            assertThat(Files.readAllLines(s1.dir().resolve("examples.jsonl"))).hasSize(2); // v1 untouched
            assertThat(c.snapshots("d1")).hasSize(2);
        }
    }

    @Test
    void aSecondProcessOnTheSameWorkspaceGetsAClearError() {
        try (Curation c = Curation.open(dir)) {
            c.createDataset("d1");
            assertThatThrownBy(() -> Curation.open(dir)).hasMessageContaining("another workbench process");
        }
    }

    @Test
    void datasetNamesAreChecked() {
        try (Curation c = Curation.open(dir)) {
            assertThatThrownBy(() -> c.createDataset("../evil")).hasMessageContaining("letters, digits");
            assertThatThrownBy(() -> c.requireDataset("nope")).hasMessageContaining("no dataset named 'nope'");
        }
    }

    @Test
    void firstStartCreatesTheSearchableDemoDatasetOnce() {
        try (Curation c = Curation.open(dir)) {
            assertThat(c.ensureDemo()).isTrue();
            var demo = c.dataset("demo").orElseThrow();
            assertThat(demo.total()).isGreaterThanOrEqualTo(300);
            for (Category cat : Category.values()) {
                assertThat(demo.count(cat)).as(cat.label()).isPositive();
            }
            assertThat(demo.count(ReviewStatus.ACCEPTED)).isEqualTo(demo.total());
            assertThat(c.count(SearchRequest.of("demo", "category:image_generation AND has_image:true")))
                    .isEqualTo(demo.count(Category.IMAGE_GENERATION));
            assertThat(c.ensureDemo()).isFalse();
        }
    }
}
