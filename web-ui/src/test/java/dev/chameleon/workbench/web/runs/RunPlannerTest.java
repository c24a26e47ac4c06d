package dev.chameleon.workbench.web.runs;

import dev.chameleon.workbench.web.runs.InvalidRunException.FieldError;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which form field a rejected setting belongs to, and how several rejected settings travel together. */
@Tag("unit")
class RunPlannerTest {

    @Test
    void trainConfigMessagesMapToTheFormFieldThatSetsTheirKey() {
        assertThat(RunPlanner.fieldOf("steps (0) must be a positive integer")).isEqualTo("steps");
        assertThat(RunPlanner.fieldOf("min_lr (2.0) must be in [0, lr]; use 0 or e.g. lr/10")).isEqualTo("lr");
        assertThat(RunPlanner.fieldOf("warmup_steps (9) must be in [0, steps=5]")).isEqualTo("steps");
        assertThat(RunPlanner.fieldOf("mix weight of code (-2.0) must be ...")).isEqualTo("mix.code");
        assertThat(RunPlanner.fieldOf("mix has unknown category 'poems'; use one of ...")).isEqualTo("mix.poems");
        assertThat(RunPlanner.fieldOf("mix weights sum to 0; give ...")).isEqualTo("mix");
        assertThat(RunPlanner.fieldOf(null)).isEmpty();
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
