package dev.chameleon.workbench.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine-bound (PyTorch CPU): a run stopped by an exception after its step-3 checkpoint (an in-process stand-in
 * for kill -9) and resumed repeats the uninterrupted run's losses, dropout on.
 */
@Tag("engine")
class TrainResumeTest {

    @TempDir
    Path dir;

    @Test
    void resumedRunReproducesUninterruptedLosses() throws Exception {
        TrainConfig whole = TrainFixtures.config(dir.resolve("whole"), 6, 3e-3, 2, 0.1, 3, 2);
        List<StepMetrics> reference = TrainFixtures.runCollecting(whole, false);

        TrainConfig broken = TrainFixtures.config(dir.resolve("broken"), 6, 3e-3, 2, 0.1, 3, 2);
        assertThatThrownBy(() -> TrainFixtures.run(broken, false, (m, mgr) -> {
            if (m.step() == 4) {
                throw new IllegalStateException("killed");
            }
        })).hasMessage("killed");
        assertThat(Files.readAllLines(dir.resolve("broken/metrics.jsonl"))).hasSize(4);

        List<StepMetrics> ran = new ArrayList<>();
        SftRun.Result resumed = TrainFixtures.run(broken, true, (m, mgr) -> ran.add(m));
        assertThat(resumed.startStep()).isEqualTo(3);
        assertThat(resumed.stepsRun()).isEqualTo(3);
        assertThat(resumed.last()).isEqualTo(ran.get(2));
        assertThat(resumed.firstLoss()).isEqualTo(ran.get(0).loss());
        assertThat(ran).hasSize(3);
        for (StepMetrics m : ran) {
            StepMetrics ref = reference.get(m.step() - 1);
            assertThat(m.loss()).as("loss at step %d", m.step()).isCloseTo(ref.loss(), within(1e-6));
            assertThat(m.gradNorm()).as("grad norm at step %d", m.step()).isCloseTo(ref.gradNorm(), within(1e-5));
        }
        // The metrics file holds each step once: the lines after the checkpoint were rewritten.
        assertThat(Files.readAllLines(dir.resolve("broken/metrics.jsonl"))).hasSize(6);
    }
}
