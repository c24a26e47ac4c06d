package dev.chameleon.workbench.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine-bound (PyTorch CPU): the native arrays the run holds do not grow over 50 steps. */
@Tag("engine")
class TrainMemoryTest {

    @TempDir
    Path out;

    @Test
    void nativeArrayCountStaysFlat() throws Exception {
        TrainConfig c = TrainFixtures.config(out, 50, 1e-3, 2, 0.05, 1000, 1);
        List<Integer> counts = new ArrayList<>();
        TrainFixtures.run(c, false, (m, manager) -> {
            counts.add(manager.getManagedArrays().size());
            if (m.step() == 25) {
                System.gc(); // the scalar pitfall: a GC mid-run must not disturb gradients
            }
        });
        assertThat(counts).hasSize(50);
        assertThat(counts.get(49)).as("arrays after step 50 vs step 5: %s", counts).isEqualTo(counts.get(4));
        assertThat(counts.stream().distinct().count()).isLessThanOrEqualTo(2);
    }
}
