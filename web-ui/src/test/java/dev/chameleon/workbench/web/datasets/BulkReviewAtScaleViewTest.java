package dev.chameleon.workbench.web.datasets;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.QueryParameters;
import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.web.KaribuTest;
import dev.chameleon.workbench.web.TestData;
import dev.chameleon.workbench.web.cli.BulkReviewAtScaleFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static com.github.mvysny.kaributesting.v10.ButtonKt._click;
import static com.github.mvysny.kaributesting.v10.HasValueUtilsKt._setValue;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.NotificationsKt.getNotifications;
import static com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt._fireConfirm;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Datasets view's bulk bar over many matches: search, "Accept N matching", confirm, then Undo from the
 * notification, each timed from the click to the view showing the result. The default size keeps the slow tier
 * short; the 100,000-match figure the README quotes comes from
 * {@code mvn -pl web-ui verify -Dit.test=BulkReviewAtScaleViewTest -Dwb.bulkMatches=100000}.
 */
@Tag("slow")
class BulkReviewAtScaleViewTest extends KaribuTest {

    @Test
    void acceptingEveryMatchFromTheBulkBarAndUndoingItRestoresThemAll() throws Exception {
        int n = Integer.getInteger("wb.bulkMatches", 5_000);
        Path dir = Files.createTempDirectory(TestData.buildDir("fixtures"), "bulk-scale");
        curation.importFile("bulkscale", BulkReviewAtScaleFiles.chatFile(dir, n), ImportOptions.defaults(),
                ImportProgress.NONE);
        UI.getCurrent().navigate(DatasetsView.class, QueryParameters.of("dataset", "bulkscale"));
        _setValue(_get(TextField.class, spec -> spec.withId("search")), "rivers");
        Button accept = _get(Button.class, spec -> spec.withId("bulk-accept"));
        assertThat(accept.getText()).isEqualTo(String.format(Locale.ROOT, "Accept %,d matching", n));

        long t0 = System.nanoTime();
        _click(accept);
        _fireConfirm(_get(ConfirmDialog.class, spec -> spec.withId("bulk-confirm")));
        double acceptSeconds = (System.nanoTime() - t0) / 1e9;
        assertThat(_get(Span.class, spec -> spec.withId("bulk-result-text")).getText())
                .isEqualTo(String.format("Accept: %,d changed", n));
        assertThat(curation.dataset("bulkscale").orElseThrow().count(ReviewStatus.ACCEPTED)).isEqualTo(n);

        t0 = System.nanoTime();
        _click(_get(Button.class, spec -> spec.withId("bulk-undo")));
        double undoSeconds = (System.nanoTime() - t0) / 1e9;
        assertThat(getNotifications()).extracting(x -> x.getElement().getProperty("text"))
                .contains(String.format("Undone: %,d examples restored", n));
        assertThat(curation.dataset("bulkscale").orElseThrow().count(ReviewStatus.ACCEPTED)).isZero();

        System.out.printf(Locale.ROOT, "Datasets view bulk review of %,d matches: accept %.2f s, undo %.2f s%n", n,
                acceptSeconds, undoSeconds);
    }
}
