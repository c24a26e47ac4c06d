package dev.chameleon.workbench.web.playground;

import dev.chameleon.workbench.web.generation.CheckpointChoice;
import dev.chameleon.workbench.web.generation.CheckpointService;
import dev.chameleon.workbench.web.generation.Checkpoints;
import dev.chameleon.workbench.web.generation.FakeEngine;
import dev.chameleon.workbench.web.generation.HfFolder;
import dev.chameleon.workbench.web.generation.Pictures;
import dev.chameleon.workbench.web.generation.SettingsForm;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import dev.chameleon.workbench.trainer.generate.Mode;
import dev.chameleon.workbench.web.KaribuTest;
import dev.chameleon.workbench.web.TestData;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import static com.github.mvysny.kaributesting.v10.ButtonKt._click;
import static com.github.mvysny.kaributesting.v10.ComboBoxKt._fireCustomValueSet;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.NotificationsKt.getNotifications;
import static com.github.mvysny.kaributesting.v10.UploadKt._upload;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The playground over a fake engine (canned events, see {@link FakeEngine}) and fake run folders: the answer
 * streams in, images fill in, Stop cancels, and engine errors reach the user.
 */
@Tag("view")
class PlaygroundViewTest extends KaribuTest {

    @TempDir
    Path workspace;

    private final FakeEngine engine = new FakeEngine();
    private Path older;
    private Path newer;

    @BeforeEach
    void runs() throws Exception {
        older = Checkpoints.write(workspace, "run-a", 100, 600);
        newer = Checkpoints.write(workspace, "run-b", 20, 10);
    }

    /** The view over the fake engine and this test's run folders. */
    private void open() {
        UI.getCurrent().add(new PlaygroundView(engine, new CheckpointService(workspace)));
    }

    @AfterEach
    void releaseEngine() {
        engine.releasePartial();
    }

    /** Runs the UI updates the engine's thread queued until {@code done} holds (or fails after 20 s). */
    static void await(String what, BooleanSupplier done) {
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

    private static String status() {
        return byId(Span.class, "answer-status").getText();
    }

    @Test
    void theNewestCheckpointIsPickedAndLoaded() throws Exception {
        open();
        @SuppressWarnings("unchecked")
        ComboBox<CheckpointChoice> picker = byId(ComboBox.class, "checkpoint");
        assertThat(picker.getValue().dir()).isEqualTo(newer);
        assertThat(picker.getValue().label()).isEqualTo("run-b @ step 20");
        assertThat(com.github.mvysny.kaributesting.v10.ComboBoxKt.getSuggestions(picker))
                .containsExactly("run-b @ step 20", "run-a @ step 100");
        assertThat(com.github.mvysny.kaributesting.v10.ComboBoxKt.getSuggestionItems(picker))
                .extracting(CheckpointChoice::dir).containsExactly(newer, older);
        await("load shown", () -> picker.getHelperText() != null && picker.getHelperText().startsWith("Loaded"));
        assertThat(picker.getHelperText()).isEqualTo("Loaded: 64 codes per image, context 512 tokens");
        assertThat(engine.loads).containsExactly(newer);
    }

    @Test
    void theAnswerStreamsInAndItsImageFillsIn() throws Exception {
        open();
        engine.holdPartial();
        byId(TextArea.class, "prompt").setValue("Draw a red square");
        @SuppressWarnings("unchecked")
        RadioButtonGroup<Mode> mode = byId(RadioButtonGroup.class, "mode");
        mode.setValue(Mode.INTERLEAVED);
        byId(NumberField.class, "temperature").setValue(0.5);
        Button generate = byId(Button.class, "generate");
        _click(generate);
        assertThat(generate.isEnabled()).isFalse();
        assertThat(byId(Button.class, "stop").isEnabled()).isTrue();

        // The partial picture (top half drawn) shows while the model is still at it.
        await("partial image", () -> !_find(Image.class, spec -> spec.withId("answer-image-0")).isEmpty());
        Image image = byId(Image.class, "answer-image-0");
        assertThat(image.getElement().getAttribute("data-state")).isEqualTo("partial");
        assertThat(image.getSrc()).isEqualTo(Pictures.dataUrl(FakeEngine.square(true)));
        assertThat(image.getStyle().get("image-rendering")).isEqualTo("pixelated");
        assertThat(byId(Span.class, "answer-text").getText()).isEqualTo("Here is a red square step-00000020 seed 0:");

        // Then the finished picture replaces it in place, and the status says how it went.
        engine.releasePartial();
        await("finished", generate::isEnabled);
        assertThat(_find(Image.class, spec -> spec.withId("answer-image-0"))).containsExactly(image);
        assertThat(image.getElement().getAttribute("data-state")).isEqualTo("done");
        assertThat(image.getSrc()).isEqualTo(Pictures.dataUrl(FakeEngine.square(false)));
        assertThat(status()).startsWith("96 tokens in ").contains("tokens/s", "1 image", "prompt 12 tokens",
                "stopped: end of turn");
        assertThat(byId(Button.class, "stop").isEnabled()).isFalse();

        assertThat(engine.checkpoints).containsExactly(newer);
        assertThat(engine.requests).hasSize(1);
        assertThat(engine.requests.get(0).prompt()).isEqualTo("Draw a red square");
        assertThat(engine.requests.get(0).mode()).isEqualTo(Mode.INTERLEAVED);
        assertThat(engine.requests.get(0).sampling().temperature()).isEqualTo(0.5);
        assertThat(engine.requests.get(0).sampling().topP()).isEqualTo(0.9);
        assertThat(engine.requests.get(0).sampling().repetitionPenalty()).isEqualTo(1.2);
        assertThat(engine.requests.get(0).guidance().text()).isEqualTo(3.0);
        assertThat(engine.requests.get(0).guidance().image()).isEqualTo(1.2);
        assertThat(engine.requests.get(0).maxNewTokens()).isEqualTo(SettingsForm.DEFAULT_MAX_TOKENS);
    }

    @Test
    void textTheThrottleHeldBackIsShownWhileTheModelPauses() throws Exception {
        open();
        engine.script = FakeEngine.Script.TEXT_THEN_HOLD;
        engine.holdPartial();
        byId(TextArea.class, "prompt").setValue("Count");
        _click(byId(Button.class, "generate"));
        await("both pieces", () -> !_find(Span.class, spec -> spec.withId("answer-text")).isEmpty()
                && byId(Span.class, "answer-text").getText().equals("One, two."));
        assertThat(status()).startsWith("Generating with run-b @ step 20");
        assertThat(byId(Button.class, "generate").isEnabled()).isFalse();
        engine.releasePartial();
        await("finished", () -> byId(Button.class, "generate").isEnabled());
        assertThat(status()).contains("stopped: end of sequence (eos)");
    }

    @Test
    void stopCancelsTheGeneration() throws Exception {
        open();
        engine.script = FakeEngine.Script.UNTIL_STOPPED;
        byId(TextArea.class, "prompt").setValue("Tell me a long story");
        _click(byId(Button.class, "generate"));
        await("text streaming", () -> !_find(Span.class, spec -> spec.withId("answer-text")).isEmpty()
                && byId(Span.class, "answer-text").getText().startsWith("Thinking."));
        assertThat(byId(Button.class, "generate").isEnabled()).isFalse();

        _click(byId(Button.class, "stop"));
        await("stopped", () -> byId(Button.class, "generate").isEnabled());
        assertThat(status()).contains("stopped: stopped by you (cancelled)");
        assertThat(byId(Span.class, "answer-text").getText()).startsWith("Thinking.");
    }

    @Test
    void anEngineErrorIsShownWithItsMessage() throws Exception {
        open();
        engine.script = FakeEngine.Script.FAIL;
        byId(TextArea.class, "prompt").setValue("Hello");
        _click(byId(Button.class, "generate"));
        await("failed", () -> byId(Button.class, "generate").isEnabled());
        assertThat(status()).isEqualTo("Generation failed: " + FakeEngine.FAILURE);
        List<Notification> shown = getNotifications();
        assertThat(shown).extracting(n -> n.getElement().getProperty("text"))
                .contains("Generation failed: " + FakeEngine.FAILURE);
    }

    @Test
    void anEmptyPromptOrBadSettingIsRefusedBeforeGenerating() {
        open();
        _click(byId(Button.class, "generate"));
        assertThat(byId(TextArea.class, "prompt").isInvalid()).isTrue();
        byId(TextArea.class, "prompt").setValue("Hello");
        byId(NumberField.class, "top-p").setValue(1.5);
        _click(byId(Button.class, "generate"));
        NumberField topP = byId(NumberField.class, "top-p");
        assertThat(topP.isInvalid()).isTrue();
        assertThat(topP.getErrorMessage()).startsWith("top_p (1.5) must be in (0, 1]");
        assertThat(engine.requests).isEmpty();
        assertThat(byId(Button.class, "generate").isEnabled()).isTrue();
    }

    @Test
    void anAttachedImageIsShownAndSentWithThePrompt() throws Exception {
        open();
        _upload(byId(Upload.class, "prompt-image-upload"), "circle.png", TestData.shape(Color.RED, true));
        Image thumb = byId(Image.class, "prompt-image-preview");
        assertThat(thumb.getSrc()).startsWith("data:image/png;base64,");
        _click(byId(Button.class, "generate"));
        await("finished", () -> !engine.requests.isEmpty() && byId(Button.class, "generate").isEnabled());
        assertThat(engine.requests.get(0).images()).hasSize(1);
        assertThat(engine.requests.get(0).prompt()).isEmpty();
    }

    @Test
    void aTypedCheckpointFolderCanBePickedAndAMissingOneIsRefused() throws Exception {
        open();
        @SuppressWarnings("unchecked")
        ComboBox<CheckpointChoice> picker = byId(ComboBox.class, "checkpoint");
        _fireCustomValueSet(picker, workspace.resolve("nowhere").toString());
        assertThat(picker.isInvalid()).isTrue();
        assertThat(picker.getErrorMessage()).contains("nowhere is not a folder");

        Path elsewhere = Checkpoints.write(workspace.resolve("elsewhere"), "x", 7, 0);
        _fireCustomValueSet(picker, elsewhere.toString());
        assertThat(picker.isInvalid()).isFalse();
        assertThat(picker.getValue().dir()).isEqualTo(elsewhere);
        byId(TextArea.class, "prompt").setValue("Hi");
        _click(byId(Button.class, "generate"));
        await("finished", () -> !engine.requests.isEmpty() && byId(Button.class, "generate").isEnabled());
        assertThat(engine.checkpoints).containsExactly(elsewhere);
    }

    @Test
    void importedCheckpointsAreListedAfterTheTrainedOnesAndLoadOnlyWhenPicked() throws Exception {
        Path hf = HfFolder.write(workspace.resolve("models/chameleon-tiny"), 2);
        new CheckpointService(workspace).register(hf.toString(), "tiny-hf");
        open();
        @SuppressWarnings("unchecked")
        ComboBox<CheckpointChoice> picker = byId(ComboBox.class, "checkpoint");
        assertThat(com.github.mvysny.kaributesting.v10.ComboBoxKt.getSuggestions(picker))
                .hasSize(3).startsWith("run-b @ step 20", "run-a @ step 100");
        assertThat(com.github.mvysny.kaributesting.v10.ComboBoxKt.getSuggestions(picker).get(2))
                .matches("imported · tiny-hf \\(\\d+\\.\\dK, 2 layers\\)");
        assertThat(picker.getValue().dir()).isEqualTo(newer);
        await("newest loaded", () -> engine.loads.contains(newer));

        CheckpointChoice imported = com.github.mvysny.kaributesting.v10.ComboBoxKt.getSuggestionItems(picker).get(2);
        picker.setValue(imported);
        await("imported loaded", () -> engine.loads.contains(hf));
    }

    @Test
    void aWorkspaceWithOnlyImportedCheckpointsLoadsNothingUntilOneIsPicked() throws Exception {
        Path empty = workspace.resolve("only-imported");
        HfFolder.write(empty.resolve("models/big"), 1);
        new CheckpointService(empty).register("models/big", null);
        UI.getCurrent().add(new PlaygroundView(engine, new CheckpointService(empty)));
        @SuppressWarnings("unchecked")
        ComboBox<CheckpointChoice> picker = byId(ComboBox.class, "checkpoint");
        assertThat(picker.getValue()).isNull();
        assertThat(picker.getHelperText()).startsWith("Pick an imported checkpoint");
        assertThat(com.github.mvysny.kaributesting.v10.ComboBoxKt.getSuggestions(picker))
                .singleElement().asString().matches("imported · big \\(\\d+\\.\\dK, 1 layer\\)");
        assertThat(engine.loads).isEmpty();
    }

    @Test
    void addCheckpointFolderRegistersAFolderOrSaysWhyNot() throws Exception {
        open();
        @SuppressWarnings("unchecked")
        ComboBox<CheckpointChoice> picker = byId(ComboBox.class, "checkpoint");
        assertThat(byId(TextField.class, "add-checkpoint-path").getHelperText())
                .contains("on the machine the workbench runs on").contains("not copied");
        TextField path = byId(TextField.class, "add-checkpoint-path");
        TextField name = byId(TextField.class, "add-checkpoint-name");
        Button add = byId(Button.class, "add-checkpoint-button");

        Path notHf = java.nio.file.Files.createDirectories(workspace.resolve("photos"));
        path.setValue(notHf.toString());
        _click(add);
        assertThat(path.isInvalid()).isTrue();
        assertThat(path.getErrorMessage()).startsWith(notHf + " has no config.json")
                .doesNotContain("Exception");

        Path hf = HfFolder.write(workspace.resolve("models/anole-tiny"), 1);
        path.setValue(hf.toString());
        name.setValue("bad name");
        _click(add);
        assertThat(path.isInvalid()).isFalse();
        assertThat(name.isInvalid()).isTrue();
        assertThat(name.getErrorMessage()).contains("'bad name' cannot name a checkpoint");

        name.setValue("");
        _click(add);
        assertThat(path.isInvalid()).isFalse();
        assertThat(name.isInvalid()).isFalse();
        assertThat(path.getValue()).isEmpty();
        assertThat(picker.getValue().label()).matches("imported · anole-tiny \\(\\d+\\.\\dK, 1 layer\\)");
        assertThat(picker.getValue().dir()).isEqualTo(hf);
        assertThat(new CheckpointService(workspace).imported().byName("anole-tiny")).isPresent();
        await("the added checkpoint loads", () -> engine.loads.contains(hf));
    }

    @Test
    void theRouteOpensWithTheApplicationsServices() {
        UI.getCurrent().navigate(PlaygroundView.class);
        assertThat(_find(PlaygroundView.class)).hasSize(1);
        assertThat(_find(TextArea.class, spec -> spec.withId("prompt"))).isNotEmpty();
    }
}
