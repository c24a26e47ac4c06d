package dev.chameleon.workbench.curation;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.store.Dataset;
import dev.chameleon.workbench.curation.store.TokenCounts;
import dev.chameleon.workbench.curation.store.TokenCounts.Row;
import dev.chameleon.workbench.curation.store.TokenCounts.Totals;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Token counts stored per example and tokenizer key, added up per category of a dataset. */
@Tag("unit")
class TokenCountsTest {

    @TempDir
    Path dir;

    @Test
    void putReplacesAndPerCategoryAddsUpOneDatasetAndKey() {
        try (Curation c = Curation.open(dir)) {
            Dataset d = c.createDataset("d1");
            Dataset other = c.createDataset("d2");
            String img = TestExamples.storePng(c.images(), Color.RED);
            List<Example> ex = c.store().insert(d, List.of(
                    TestExamples.text("q1", "a1", 1),
                    TestExamples.text("q2", "a2", 2),
                    TestExamples.visualChat(img, "what colour?", "red", 3))).inserted();
            List<Example> ex2 = c.store().insert(other, List.of(TestExamples.text("q9", "a9", 1))).inserted();
            long t1 = ex.get(0).id();
            long t2 = ex.get(1).id();
            long v = ex.get(2).id();
            c.store().setStatus(t1, ReviewStatus.ACCEPTED);

            TokenCounts counts = c.tokenCounts();
            counts.put(List.of(new Row(t1, "k", 10, 3, 0), new Row(t2, "k", 1, 1, 0),
                    new Row(v, "k", 1100, 5, 1024), new Row(t1, "other-key", 99, 9, 0),
                    new Row(ex2.get(0).id(), "k", 50, 5, 0)));
            counts.put(List.of(new Row(t2, "k", 20, 4, 0))); // replaces t2's first count

            assertThat(counts.get(t2, "k")).contains(new Row(t2, "k", 20, 4, 0));
            assertThat(counts.get(v, "missing")).isEmpty();
            assertThat(counts.perCategory(d, "k")).containsOnly(
                    java.util.Map.entry(Category.TEXT, new Totals(2, 30, 7, 0)),
                    java.util.Map.entry(Category.VISUAL_CHAT, new Totals(1, 1100, 5, 1024)));
            assertThat(counts.perCategory(d, "k", ReviewStatus.ACCEPTED))
                    .containsOnly(java.util.Map.entry(Category.TEXT, new Totals(1, 10, 3, 0)));
            assertThat(counts.perCategory(d, "nobody")).isEmpty();
        }
        try (Curation c = Curation.open(dir)) { // durable across a reopen
            assertThat(c.tokenCounts().perCategory(c.requireDataset("d2"), "k"))
                    .containsOnly(java.util.Map.entry(Category.TEXT, new Totals(1, 50, 5, 0)));
        }
    }

    @Test
    void aBatchWithAnUnknownExampleStoresNothingAndSaysWhy() {
        try (Curation c = Curation.open(dir)) {
            Dataset d = c.createDataset("d1");
            long id = c.store().insert(d, List.of(TestExamples.text("q", "a", 1))).inserted().get(0).id();
            TokenCounts counts = c.tokenCounts();
            assertThatThrownBy(() -> counts.put(List.of(new Row(id, "k", 5, 1, 0), new Row(id + 1000, "k", 5, 1, 0))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("example id");
            assertThat(counts.get(id, "k")).isEmpty();
            assertThatThrownBy(() -> new Row(id, "k", 5, 6, 0)).hasMessageContaining("loss/image tokens at most");
        }
    }
}
