package dev.chameleon.workbench.curation;

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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bulk accept and undo of many matches, timed: the work is set-based (chunks of a thousand ids per statement, one
 * transaction), so {@value #MATCHES} examples take seconds; one transaction and one index refresh per example
 * would take minutes. The bound is loose (a shared 2-core machine runs it) but fails for per-example work.
 * For the 100,000-match figure: {@code mvn -pl dataset-curation test -Dwb.groups=slow -Dtest=BulkReviewSpeedTest
 * -Dwb.bulkMatches=100000}; it prints the times.
 */
@Tag("slow")
class BulkReviewSpeedTest {

    private static final int MATCHES = 20_000;

    @TempDir
    Path dir;

    @Test
    void acceptingAndUndoingManyMatchesTakesSeconds() {
        int n = Integer.getInteger("wb.bulkMatches", MATCHES);
        try (Curation c = Curation.open(dir)) {
            Dataset d = c.createDataset("big");
            long maxId = 0;
            for (int from = 0; from < n + n / 4; from += 1000) {
                List<Example> batch = new ArrayList<>(1000);
                for (int i = from; i < Math.min(n + n / 4, from + 1000); i++) {
                    // Four in five ask about rivers: n of them match the query below.
                    batch.add(TestExamples.text("question " + i + (i % 5 == 4 ? " about stars" : " about rivers"),
                            "answer " + i, i + 1));
                }
                List<Example> stored = c.store().insert(d, batch).inserted();
                c.index().addNew("big", stored);
                maxId = stored.get(stored.size() - 1).id();
            }
            c.index().commit(maxId);
            SearchRequest rivers = SearchRequest.of("big", "rivers");

            BulkReview r = c.review(rivers, ReviewAction.accept());
            assertThat(r.changed()).isEqualTo(n);
            assertThat(c.count(SearchRequest.of("big", "status:accepted"))).isEqualTo(n);

            BulkUndo u = c.undo(r.batchId());
            assertThat(u.restored()).isEqualTo(n);
            assertThat(c.count(SearchRequest.of("big", "status:accepted"))).isZero();
            assertThat(c.dataset("big").orElseThrow().count(ReviewStatus.PENDING)).isEqualTo(n + n / 4);

            System.out.printf(Locale.ROOT, "bulk review of %,d matches: accept %.2f s, undo %.2f s%n", n,
                    r.seconds(), u.seconds());
            assertThat(r.seconds()).as("bulk accept of %,d", n).isLessThan(n / 500.0);
            assertThat(u.seconds()).as("undo of %,d", n).isLessThan(n / 500.0);
        }
    }
}
