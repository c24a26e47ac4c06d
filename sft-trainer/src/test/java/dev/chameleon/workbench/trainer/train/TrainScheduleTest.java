package dev.chameleon.workbench.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Plain unit test: warm-up then cosine values. */
@Tag("unit")
class TrainScheduleTest {

    @Test
    void warmupThenCosineToMinimum() {
        LrSchedule s = new LrSchedule(1e-3, 1e-4, 4, 14);
        assertThat(s.at(0)).isCloseTo(2.5e-4, within(1e-12));
        assertThat(s.at(3)).isCloseTo(1e-3, within(1e-12));
        assertThat(s.at(4)).isCloseTo(1e-3, within(1e-12));           // first cosine step: the peak
        assertThat(s.at(13)).isCloseTo(1e-4, within(1e-12));          // last step: the minimum
        double mid = 1e-4 + (1e-3 - 1e-4) * 0.5 * (1 + Math.cos(Math.PI * 4.0 / 9));
        assertThat(s.at(8)).isCloseTo(mid, within(1e-12));
        for (int i = 4; i < 13; i++) {
            assertThat(s.at(i + 1)).isLessThan(s.at(i));
        }
        assertThat(new LrSchedule(1e-5, 0, 0, 1).at(0)).isEqualTo(1e-5);
    }
}
