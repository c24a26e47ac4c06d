package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Detection never loses data: a guess that breaks a rule falls back with a review note; explicit choices are checked. */
@Tag("unit")
class CategoryFallbackTest {

    @TempDir
    Path dir;

    @BeforeEach
    void images() throws Exception {
        Fixtures.fixtureImages(dir);
    }

    @Test
    void anAnswerThatOnlySoundsLikeARefusalImportsAsTextForReview() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "alpaca_refusal_sounding.json", ImportOptions.defaults());

        Example polite = c.examples.get(0);
        assertThat(polite.category()).isEqualTo(Category.TEXT);
        assertThat(polite.status()).isEqualTo(ReviewStatus.PENDING);
        assertThat(polite.metadata().get(RecordConverter.REVIEW_NOTE)).contains("reads like a refusal",
                "harm category");
        Example real = c.examples.get(1);
        assertThat(real.category()).isEqualTo(Category.SAFETY);
        assertThat(real.harmCategory()).isEqualTo("weapons");
        assertThat(real.metadata()).doesNotContainKey(RecordConverter.REVIEW_NOTE);
        // The record's own "category": "safety" is explicit, so its missing harm category is refused.
        assertThat(c.examples).hasSize(2);
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.reason()).contains("a Safety example needs a harm category");
        });
    }

    @Test
    void theUsersCategoryIsRefusedWhenItBreaksARule() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "alpaca_refusal_sounding.json",
                ImportOptions.defaults().withCategory(Category.SAFETY));

        assertThat(c.examples).extracting(e -> e.source().line()).containsExactly(3L);
        assertThat(c.problems).hasSize(2).allSatisfy(p -> assertThat(p.reason()).contains("needs a harm category"));
    }

    @Test
    void detectionMatchesTheExpectedCategoryOfEveryFixtureRecord() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "categories.jsonl", ImportOptions.defaults());

        assertThat(c.problems).isEmpty();
        assertThat(c.examples).hasSize(10);
        long right = c.examples.stream()
                .filter(e -> e.category() == Category.parse(e.metadata().get("expect"))).count();
        System.out.printf("category detection: %d of %d fixture records right%n", right, c.examples.size());
        assertThat(c.examples).allSatisfy(e ->
                assertThat(e.category().wireName()).as(e.prompt()).isEqualTo(e.metadata().get("expect")));
        assertThat(c.examples.stream().map(Example::category).distinct()).hasSize(Category.values().length);
    }
}
