package dev.chameleon.workbench.web.compare;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import dev.chameleon.workbench.trainer.generate.Mode;
import dev.chameleon.workbench.web.KaribuTest;
import dev.chameleon.workbench.web.generation.CheckpointChoice;
import dev.chameleon.workbench.web.generation.CheckpointService;
import dev.chameleon.workbench.web.generation.Checkpoints;
import dev.chameleon.workbench.web.generation.FakeEngine;
import dev.chameleon.workbench.web.generation.HfFolder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import static com.github.mvysny.kaributesting.v10.ButtonKt._click;
import static com.github.mvysny.kaributesting.v10.GridKt._get;
import static com.github.mvysny.kaributesting.v10.GridKt._getFormatted;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

/** Side by side over the fake engine: both answers stream, the pair is rated, and the win rate follows. */
@Tag("view")
class CompareViewTest extends KaribuTest {

    @TempDir
    Path workspace;

    private final FakeEngine engine = new FakeEngine();
    private RatingsService ratings;
    private Path a;
    private Path b;

    @BeforeEach
    void runs() throws Exception {
        a = Checkpoints.write(workspace, "run-a", 100, 600);
        b = Checkpoints.write(workspace, "run-b", 200, 10);
        ratings = new RatingsService(workspace.resolve("ratings/ratings.jsonl"));
    }

    private void view() {
        UI.getCurrent().add(new CompareView(engine, new CheckpointService(workspace), ratings));
    }

    private static void await(String what, BooleanSupplier done) {
        // Karibu's UI belongs to this thread, so the condition is polled here, not on Awaitility's own thread.
        Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10)).until(() -> {
                    MockVaadin.runUIQueue();
                    return done.getAsBoolean();
                });
    }

    private static <T extends com.vaadin.flow.component.Component> T byId(Class<T> type, String id) {
        return _get(type, spec -> spec.withId(id));
    }

    @SuppressWarnings("unchecked")
    private static <T> RadioButtonGroup<T> radios(String id) {
        return byId(RadioButtonGroup.class, id);
    }

    private void pick(String side, Path dir) {
        @SuppressWarnings("unchecked")
        ComboBox<CheckpointChoice> picker = byId(ComboBox.class, side + "-checkpoint");
        picker.setValue(com.github.mvysny.kaributesting.v10.ComboBoxKt.getSuggestionItems(picker).stream()
                .filter(c -> c.dir().equals(dir)).findFirst().orElseThrow());
    }

    private void compareAndWait() throws InterruptedException {
        _click(byId(Button.class, "compare"));
        await("both answers", () -> byId(Button.class, "compare").isEnabled());
    }

    @Test
    void twoCheckpointsAnswerWithTheSameSeedAndARatingIsStored() throws Exception {
        view();
        pick("left", a);
        pick("right", b);
        byId(TextArea.class, "prompt").setValue("Draw a red square");
        byId(IntegerField.class, "seed").setValue(42);
        compareAndWait();

        assertThat(byId(Span.class, "left-answer-text").getText()).isEqualTo("Here is a red square step-00000100 seed 42:");
        assertThat(byId(Span.class, "right-answer-text").getText()).isEqualTo("Here is a red square step-00000200 seed 42:");
        assertThat(byId(Image.class, "left-answer-image-0").getElement().getAttribute("data-state")).isEqualTo("done");
        assertThat(byId(Image.class, "right-answer-image-0").getElement().getAttribute("data-state")).isEqualTo("done");
        assertThat(byId(Span.class, "right-answer-status").getText()).contains("stopped: end of turn");
        assertThat(engine.checkpoints).containsExactly(a, b);
        assertThat(engine.requests).extracting(r -> r.sampling().seed()).containsExactly(42L, 42L);

        assertThat(byId(Div.class, "rating").isVisible()).isTrue();
        _click(byId(Button.class, "save-rating"));
        assertThat(radios("preference").isInvalid()).as("a verdict is required").isTrue();
        assertThat(Files.exists(ratings.file())).isFalse();

        radios("preference").setValue(Rating.Preference.LEFT);
        radios("left-fulfils").setValue(Rating.Fulfilment.FULFILS);
        radios("right-fulfils").setValue(Rating.Fulfilment.PARTIALLY);
        _click(byId(Button.class, "save-rating"));
        assertThat(_find(Div.class, spec -> spec.withId("rating"))).as("hidden").isEmpty();

        List<String> lines = Files.readAllLines(workspace.resolve("ratings/ratings.jsonl"));
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("\"prompt\":\"Draw a red square\"", "\"seed\":42", "\"preference\":\"LEFT\"",
                "\"checkpoint\":\"run-a @ step 100\"", "\"checkpoint\":\"run-b @ step 200\"",
                "\"text\":\"Here is a red square step-00000100 seed 42:\"", "\"fulfils\":\"FULFILS\"",
                "\"fulfils\":\"PARTIALLY\"", "\"temperature\":0.7", "\"time\":");
        Rating stored = ratings.all().get(0);
        assertThat(stored.left().images()).isEqualTo(1);
        assertThat(stored.right().stopReason()).isEqualTo("end_of_turn");

        @SuppressWarnings("unchecked")
        Grid<WinRate> grid = byId(Grid.class, "win-rates");
        assertThat(_size(grid)).isEqualTo(1);
        assertThat(_get(grid, 0)).isEqualTo(new WinRate("run-a @ step 100", "run-b @ step 200", 1, 0, 0, 1, 0));
        assertThat(_getFormatted(grid, 0, "win-rate")).isEqualTo("100%");

        // A second pair, the sides swapped and judged a tie: a's rate is (1 + 1/2) / 2.
        pick("left", b);
        pick("right", a);
        compareAndWait();
        radios("preference").setValue(Rating.Preference.TIE);
        _click(byId(Button.class, "save-rating"));
        assertThat(_get(grid, 0)).isEqualTo(new WinRate("run-a @ step 100", "run-b @ step 200", 1, 1, 0, 1, 0));
        assertThat(_getFormatted(grid, 0, "win-rate")).isEqualTo("75%");
    }

    @Test
    void oneCheckpointWithTwoSettingsIsComparedBySettings() throws Exception {
        view();
        pick("left", a);
        pick("right", a);
        byId(NumberField.class, "right-temperature").setValue(1.0);
        byId(TextArea.class, "prompt").setValue("Hello");
        compareAndWait();
        assertThat(engine.requests).extracting(r -> r.sampling().temperature()).containsExactly(0.7, 1.0);
        radios("preference").setValue(Rating.Preference.RIGHT);
        _click(byId(Button.class, "save-rating"));
        WinRate w = ratings.winRates().get(0);
        assertThat(w.a()).startsWith("run-a @ step 100 [temperature 0.7,");
        assertThat(w.b()).startsWith("run-a @ step 100 [temperature 1.0,");
        assertThat(w.bWins()).isEqualTo(1);
    }

    @Test
    void stopEndsBothSidesAndAFailureIsShownPerSide() throws Exception {
        view();
        pick("left", a);
        pick("right", b);
        byId(TextArea.class, "prompt").setValue("Go on");
        engine.script = FakeEngine.Script.UNTIL_STOPPED;
        _click(byId(Button.class, "compare"));
        await("left streaming", () -> !_find(Span.class, spec -> spec.withId("left-answer-text")).isEmpty());
        _click(byId(Button.class, "stop"));
        await("both stopped", () -> byId(Button.class, "compare").isEnabled());
        assertThat(byId(Span.class, "left-answer-status").getText()).contains("cancelled");
        assertThat(byId(Span.class, "right-answer-status").getText()).contains("cancelled");

        engine.script = FakeEngine.Script.FAIL;
        compareAndWait();
        assertThat(byId(Span.class, "left-answer-status").getText()).isEqualTo("Generation failed: " + FakeEngine.FAILURE);
        assertThat(_find(Div.class, spec -> spec.withId("rating"))).as("nothing to rate").isEmpty();
    }

    @Test
    void anImportedCheckpointCanBeComparedWithATrainedOne() throws Exception {
        Path hf = HfFolder.write(workspace.resolve("models/anole-tiny"), 1);
        new CheckpointService(workspace).register(hf.toString(), "anole-tiny");
        view();
        for (String side : new String[]{"left", "right"}) {
            @SuppressWarnings("unchecked")
            ComboBox<CheckpointChoice> picker = byId(ComboBox.class, side + "-checkpoint");
            assertThat(com.github.mvysny.kaributesting.v10.ComboBoxKt.getSuggestionItems(picker))
                    .extracting(CheckpointChoice::dir).containsExactly(b, a, hf);
        }
        pick("left", hf);
        pick("right", b);
        byId(TextArea.class, "prompt").setValue("Hi");
        compareAndWait();
        assertThat(engine.checkpoints).containsExactly(hf, b);
    }

    @Test
    void theRouteOpensWithTheApplicationsServices() {
        UI.getCurrent().navigate(CompareView.class);
        assertThat(_find(H2.class, spec -> spec.withText("Side by side"))).hasSize(1);
        assertThat(_find(H3.class).stream().map(H3::getText)).contains("Left", "Right", "Win rates");
        assertThat(byId(ComboBox.class, "left-checkpoint").getLabel()).isEqualTo("Left checkpoint");
        assertThat(byId(ComboBox.class, "right-checkpoint").getLabel()).isEqualTo("Right checkpoint");
        assertThat(radios("mode").getValue()).isEqualTo(Mode.TEXT);
        assertThat(byId(Button.class, "compare").isEnabled()).isTrue();
        assertThat(_find(Div.class, spec -> spec.withId("rating"))).as("nothing to rate yet").isEmpty();
        @SuppressWarnings("unchecked")
        Grid<WinRate> grid = byId(Grid.class, "win-rates");
        assertThat(grid.getColumns()).extracting(Grid.Column::getHeaderText)
                .startsWith("A", "B", "A better", "Ties", "B better", "A's win rate");
        assertThat(_size(grid)).as("no ratings in a new workspace").isZero();
    }

    @Test
    void bothAnswersToOnePromptShowSideBySideUnderTheirCheckpoints() throws Exception {
        view();
        pick("left", a);
        pick("right", b);
        byId(TextArea.class, "prompt").setValue("Describe a blue circle");
        byId(IntegerField.class, "seed").setValue(7);
        compareAndWait();

        assertThat(engine.requests).as("one request per side, the same prompt and seed").hasSize(2)
                .allSatisfy(r -> {
                    assertThat(r.prompt()).isEqualTo("Describe a blue circle");
                    assertThat(r.sampling().seed()).isEqualTo(7L);
                });
        assertThat(engine.checkpoints).containsExactly(a, b);
        @SuppressWarnings("unchecked")
        ComboBox<CheckpointChoice> leftPicker = byId(ComboBox.class, "left-checkpoint");
        @SuppressWarnings("unchecked")
        ComboBox<CheckpointChoice> rightPicker = byId(ComboBox.class, "right-checkpoint");
        assertThat(leftPicker.getValue().label()).isEqualTo("run-a @ step 100");
        assertThat(rightPicker.getValue().label()).isEqualTo("run-b @ step 200");
        assertThat(byId(Span.class, "left-answer-text").getText())
                .isEqualTo("Here is a red square step-00000100 seed 7:");
        assertThat(byId(Span.class, "right-answer-text").getText())
                .isEqualTo("Here is a red square step-00000200 seed 7:");
        assertThat(byId(Span.class, "left-answer-status").getText()).contains("stopped: end of turn");
        assertThat(byId(Span.class, "right-answer-status").getText()).contains("stopped: end of turn");
        assertThat(byId(Div.class, "rating").isVisible()).as("the pair can be rated").isTrue();
        assertThat(byId(RadioButtonGroup.class, "left-fulfils").getLabel()).isEqualTo("Left answer fulfils the task?");
        assertThat(byId(RadioButtonGroup.class, "right-fulfils").getLabel())
                .isEqualTo("Right answer fulfils the task?");

        radios("preference").setValue(Rating.Preference.RIGHT);
        _click(byId(Button.class, "save-rating"));
        Rating stored = ratings.all().get(0);
        assertThat(stored.prompt()).isEqualTo("Describe a blue circle");
        assertThat(stored.preference()).isEqualTo(Rating.Preference.RIGHT);
        assertThat(stored.left().text()).isEqualTo("Here is a red square step-00000100 seed 7:");
        assertThat(stored.right().text()).isEqualTo("Here is a red square step-00000200 seed 7:");
    }
}
