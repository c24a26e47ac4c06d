package dev.chameleon.workbench.curation;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.review.BulkReview;
import dev.chameleon.workbench.curation.review.BulkUndo;
import dev.chameleon.workbench.curation.review.ReviewAction;
import dev.chameleon.workbench.curation.search.SearchRequest;
import dev.chameleon.workbench.curation.store.Dataset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bulk review over a search's matches, and its undo: counts, skips, the index, and undo after a restart. */
@Tag("unit")
class BulkReviewTest {

    @TempDir
    Path dir;

    /** n text examples, even ones about rivers and odd ones about stars; every third is already accepted. */
    private static List<Example> texts(int n) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Example e = TestExamples.text("question " + i + (i % 2 == 0 ? " about rivers" : " about stars"),
                    "answer " + i, i + 1);
            out.add(i % 3 == 0 ? e.withStatus(ReviewStatus.ACCEPTED).withTags(Set.of("seen")) : e);
        }
        return out;
    }

    private static List<Example> stored(Curation c, String dataset) {
        List<Example> out = new ArrayList<>();
        c.store().forEach(c.requireDataset(dataset), null, out::add);
        return out;
    }

    private static Curation withTexts(Path dir, int n) {
        Curation c = Curation.open(dir);
        Dataset d = c.createDataset("d");
        List<Example> inserted = c.store().insert(d, texts(n)).inserted();
        c.index().addNew("d", inserted);
        c.index().commit(inserted.get(inserted.size() - 1).id());
        return c;
    }

    @Test
    void acceptingTheMatchesChangesOnlyThemAndUndoRestoresEveryOneExactly() {
        try (Curation c = withTexts(dir, 60)) {
            List<Example> before = stored(c, "d");
            SearchRequest rivers = SearchRequest.of("d", "rivers");

            BulkReview r = c.review(rivers, ReviewAction.accept());

            assertThat(r.matched()).isEqualTo(30);
            assertThat(r.changed()).isEqualTo(20); // 10 of the 30 (i % 6 == 0) were accepted already
            assertThat(r.unchanged()).isEqualTo(10);
            assertThat(r.skippedCount()).isZero();
            assertThat(c.count(SearchRequest.of("d", "rivers AND status:accepted"))).isEqualTo(30);
            assertThat(c.count(SearchRequest.of("d", "stars AND status:accepted"))).isEqualTo(10);
            assertThat(c.dataset("d").orElseThrow().count(ReviewStatus.ACCEPTED)).isEqualTo(40);

            BulkUndo u = c.undo(r.batchId());

            assertThat(u.restored()).isEqualTo(20);
            assertThat(stored(c, "d")).isEqualTo(before);
            assertThat(c.count(SearchRequest.of("d", "status:accepted"))).isEqualTo(20);
            assertThatThrownBy(() -> c.undo(r.batchId())).hasMessageContaining("already undone");
            assertThatThrownBy(() -> c.undo(9999)).hasMessageContaining("no review batch 9999");
        }
    }

    @Test
    void filtersNarrowTheBatchLikeTheGrid() {
        try (Curation c = withTexts(dir, 30)) {
            BulkReview r = c.review(new SearchRequest("d", "stars", null, ReviewStatus.PENDING, null),
                    ReviewAction.reject());

            assertThat(r.matched()).isEqualTo(10); // 15 about stars, 5 of them accepted
            assertThat(r.changed()).isEqualTo(10);
            assertThat(c.count(SearchRequest.of("d", "status:rejected"))).isEqualTo(10);
            assertThat(c.count(SearchRequest.of("d", "stars AND status:accepted"))).isEqualTo(5);
        }
    }

    @Test
    void undoSurvivesARestart() {
        long batch;
        List<Example> before;
        try (Curation c = withTexts(dir, 20)) {
            before = stored(c, "d");
            batch = c.review(SearchRequest.of("d", null), ReviewAction.tag("checked")).batchId();
            assertThat(c.count(SearchRequest.of("d", "tag:checked"))).isEqualTo(20);
        }
        try (Curation c = Curation.open(dir)) {
            assertThat(c.count(SearchRequest.of("d", "tag:checked"))).isEqualTo(20);
            assertThat(c.undo(batch).restored()).isEqualTo(20);
            assertThat(stored(c, "d")).isEqualTo(before);
            assertThat(c.count(SearchRequest.of("d", "tag:checked"))).isZero();
            assertThat(c.count(SearchRequest.of("d", "tag:seen"))).isEqualTo(7);
        }
    }

    @Test
    void addingATagKeepsTheOthersAndLeavesExamplesThatHaveIt() {
        try (Curation c = withTexts(dir, 9)) {
            BulkReview r = c.review(SearchRequest.of("d", null), ReviewAction.tag("seen"));

            assertThat(r.changed()).isEqualTo(6);
            assertThat(r.unchanged()).isEqualTo(3);
            Example first = stored(c, "d").get(1);
            assertThat(first.tags()).containsExactly("seen");
            c.review(SearchRequest.of("d", "tag:seen"), ReviewAction.tag("second"));
            assertThat(stored(c, "d").get(0).tags()).containsExactly("seen", "second");
        }
    }

    @Test
    void reCategorisingSkipsAndCountsTheExamplesWhoseShapeDoesNotFit() {
        try (Curation c = Curation.open(dir)) {
            Dataset d = c.createDataset("mixed");
            String img = TestExamples.storePng(c.images(), Color.RED);
            List<Example> batch = new ArrayList<>(texts(4));
            batch.add(TestExamples.visualChat(img, "What colour?", "Red.", 10));
            batch.add(TestExamples.visualChat(img, "Which colour is it?", "Red.", 11));
            var inserted = c.store().insert(d, batch).inserted();
            c.index().addNew("mixed", inserted);
            c.index().refresh();
            List<Example> before = stored(c, "mixed");

            BulkReview r = c.review(SearchRequest.of("mixed", null), ReviewAction.category(Category.CODE, null));

            assertThat(r.changed()).isEqualTo(4);
            assertThat(r.skipped()).containsOnlyKeys(
                    "a Code example must not contain images; re-categorise it as Visual Chat, Image Generation or "
                            + "Interleaved Generation");
            assertThat(r.skippedCount()).isEqualTo(2);
            assertThat(c.count(SearchRequest.of("mixed", "category:code"))).isEqualTo(4);
            assertThat(c.count(SearchRequest.of("mixed", "category:visual_chat"))).isEqualTo(2);

            BulkReview safety = c.review(SearchRequest.of("mixed", "category:visual_chat"),
                    ReviewAction.category(Category.SAFETY, "privacy"));
            assertThat(safety.changed()).isEqualTo(2);
            assertThat(c.count(SearchRequest.of("mixed", "harm:privacy"))).isEqualTo(2);

            c.undo(safety.batchId());
            c.undo(r.batchId());
            assertThat(stored(c, "mixed")).isEqualTo(before);
        }
    }

    @Test
    void aBatchCannotBeUndoneUnderALaterOneThatChangedTheSameExamples() {
        try (Curation c = withTexts(dir, 10)) {
            long first = c.review(SearchRequest.of("d", null), ReviewAction.accept()).batchId();
            long second = c.review(SearchRequest.of("d", "rivers"), ReviewAction.reject()).batchId();
            long tags = c.review(SearchRequest.of("d", null), ReviewAction.tag("x")).batchId();

            assertThatThrownBy(() -> c.undo(first))
                    .hasMessage("review batch " + second + " changed the same examples after batch " + first
                            + "; undo batch " + second + " first");
            c.undo(second);
            c.undo(first); // the tag batch changed another field: no conflict
            assertThat(c.count(SearchRequest.of("d", "status:accepted"))).isEqualTo(4);
            assertThat(c.count(SearchRequest.of("d", "tag:x"))).isEqualTo(10);
            assertThat(tags).isGreaterThan(second);
        }
    }

    @Test
    void badTagsAreRefusedWithTheRule() {
        assertThatThrownBy(() -> ReviewAction.tag(" padded ")).hasMessageContaining("without leading or trailing");
        assertThatThrownBy(() -> ReviewAction.tag("x".repeat(101))).hasMessageContaining("1 to 100 characters");
    }
}
