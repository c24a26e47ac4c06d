package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.store.DatasetSummary;
import dev.chameleon.workbench.web.WorkbenchApplication;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code workbench serve} does to a workspace on start: the demo dataset on a first start only. */
@Tag("unit")
class CliServeTest {

    @TempDir
    Path ws;

    @Test
    void aFirstStartCreatesTheDemoDatasetUnlessTurnedOff() {
        System.setProperty("workbench.demo", "false");
        try (ConfigurableApplicationContext app = WorkbenchApplication.start(ws, 0, "127.0.0.1")) {
            assertThat(app.getBean(Curation.class).datasets()).isEmpty();
        } finally {
            System.clearProperty("workbench.demo");
        }

        try (ConfigurableApplicationContext app = WorkbenchApplication.start(ws, 0, "127.0.0.1")) {
            assertThat(app.getBean(Curation.class).datasets()).extracting(s -> s.dataset().name())
                    .containsExactly("demo");
            assertThat(app.getBean(Curation.class).dataset("demo").map(DatasetSummary::total).orElse(0L)).isPositive();
        }
    }
}
