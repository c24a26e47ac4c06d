package dev.chameleon.workbench.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine-bound (PyTorch CPU), a few seconds: the recipe learns a tiny synthetic counting task. */
@Tag("engine")
class TrainLearningTest {

    @TempDir
    Path out;

    @Test
    void lossFallsBelowThresholdWithinSteps() throws Exception {
        TrainConfig c = TrainFixtures.config(out, 60, 1e-2, 1, 0.0, 1000, 1);
        List<StepMetrics> m = TrainFixtures.runCollecting(c, false);
        assertThat(m).hasSize(60);
        double first = m.get(0).ce();
        double last = m.get(m.size() - 1).ce();
        assertThat(first).isGreaterThan(2.5); // about ln(32) at initialization
        assertThat(last).as("cross-entropy after 60 steps (first %.3f)", first).isLessThan(0.3);
        assertThat(m).allSatisfy(s -> {
            assertThat(s.gradNorm()).isFinite();
            assertThat(s.perCategory()).containsOnlyKeys("text", "code");
            assertThat(s.fill()).isBetween(0.0, 1.0);
        });
    }
}
