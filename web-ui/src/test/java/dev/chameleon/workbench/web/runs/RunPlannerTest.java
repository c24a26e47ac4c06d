package dev.chameleon.workbench.web.runs;

import dev.chameleon.workbench.trainer.config.InvalidValueException;
import dev.chameleon.workbench.trainer.train.TrainConfig;
import dev.chameleon.workbench.web.runs.InvalidRunException.FieldError;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which form field a rejected setting belongs to, and how several rejected settings travel together. */
@Tag("unit")
class RunPlannerTest {

    @Test
    void trainConfigKeysMapToTheFormFieldThatSetsThem() {
        assertThat(RunPlanner.formField("steps")).isEqualTo("steps");
        assertThat(RunPlanner.formField("min_lr")).isEqualTo("lr");
        assertThat(RunPlanner.formField("warmup_steps")).isEqualTo("steps");
        assertThat(RunPlanner.formField("mix/code")).isEqualTo("mix.code");
        assertThat(RunPlanner.formField("mix")).isEqualTo("mix");
    }

    @Test
    void trainConfigNamesTheKeyItRejectsWithoutItsMessageBeingRead() {
        assertThatThrownBy(() -> config(Map.of("text", 1.0), 0, 1e-3, 0))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.key()).isEqualTo("steps"));
        assertThatThrownBy(() -> config(Map.of("text", 1.0), 10, 1e-3, 2e-3))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.key()).isEqualTo("min_lr"));
        assertThatThrownBy(() -> config(Map.of("code", -2.0), 10, 1e-3, 0))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.key()).isEqualTo("mix/code"));
        assertThatThrownBy(() -> config(Map.of("poems", 1.0), 10, 1e-3, 0))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.key()).isEqualTo("mix/poems"));
    }

    private static TrainConfig config(Map<String, Double> mix, int steps, double lr, double minLr) {
        return new TrainConfig("tiny", "snap", "tok.json", "img", mix, 64, 1, 1, steps, lr, minLr, 0, 0.9, 0.95,
                1e-5, 0.1, false, 1.0, 1e-5, 0.0, 1, 1, 1, "out", "cpu");
    }

    @Test
    void anInvalidRunCarriesEveryFieldErrorInOrder() {
        InvalidRunException e = new InvalidRunException(List.of(new FieldError("steps", "Give the steps"),
                new FieldError("mix.code", "The weight of code is negative")));
        assertThat(e.errors()).extracting(FieldError::field).containsExactly("steps", "mix.code");
        assertThat(e.field()).isEqualTo("steps");
        assertThat(e.getMessage()).isEqualTo("Give the steps; The weight of code is negative");
        assertThat(new InvalidRunException("lr", "Give a learning rate").errors())
                .containsExactly(new FieldError("lr", "Give a learning rate"));
        assertThatThrownBy(() -> new InvalidRunException(List.of())).hasMessageContaining("at least one");
    }
}
