package dev.chameleon.workbench.web.runs;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.trainer.train.TrainConfig;
import dev.chameleon.workbench.web.KaribuTest;
import dev.chameleon.workbench.web.TestData;
import dev.chameleon.workbench.web.generation.CheckpointChoice;
import dev.chameleon.workbench.web.generation.CheckpointService;
import dev.chameleon.workbench.web.generation.HfFolder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import static com.github.mvysny.kaributesting.v10.ButtonKt._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Runs view over the shared test workspace's demo dataset. The trainer is a shell script standing in for
 * the real one (RunServiceTest runs the real one): it writes three steps of metrics and a checkpoint, or fails.
 */
@Tag("view")
class RunsViewTest extends KaribuTest {

    /** Three steps of metrics.jsonl in the trainer's format, a checkpoint, and progress lines on stdout. */
    static final String FAKE_TRAINER = """
            for i in 1 2 3; do
              echo "{\\"step\\":$i,\\"loss\\":$((6 - i)).5,\\"ce\\":$((6 - i)).4,\\"z_loss\\":0.1,\
            \\"per_category\\":{\\"text\\":$((5 - i)).25,\\"visual_chat\\":$((7 - i)).5},\\"per_modality\\":{},\
            \\"lr\\":0.001,\\"grad_norm\\":1.5,\\"tokens_per_second\\":1234,\\"fill\\":0.9,\\"loss_tokens\\":100}" >> metrics.jsonl
              echo "step $i/3 (fake trainer)"
              sleep 0.1
            done
            mkdir -p checkpoints/step-00000003
            """;

    private static final String FAILING_TRAINER = "echo 'rendered 3 examples'; echo 'error: out of memory (fake)'; exit 3";

    @Autowired
    RunService service;

    @Autowired
    CheckpointService checkpoints;

    @BeforeEach
    void fakeTokenizers() throws Exception {
        // Tokenizers exist, so a launch goes straight to the (fake) trainer.
        Files.createDirectories(service.textTokenizer().getParent());
        if (!Files.exists(service.textTokenizer())) {
            Files.writeString(service.textTokenizer(), "{}");
        }
        Files.createDirectories(service.imageTokenizer());
    }

    @AfterEach
    void realTrainer() {
        service.useCommandFactory(null);
    }

    private void fakeTrainer(String script) {
        service.useCommandFactory(args -> args.get(0).equals("train")
                ? List.of("/bin/sh", "-c", script) : List.of("/bin/sh", "-c", "exit 9"));
    }

    private static <T extends com.vaadin.flow.component.Component> T field(Class<T> type, String id) {
        return _get(type, spec -> spec.withId(id));
    }

    /** Runs the UI updates the service pushed until {@code done} holds (or fails after 30 s). */
    private static void await(String what, Supplier<Boolean> done) {
        // Karibu's UI belongs to this thread, so the condition is polled here, not on Awaitility's own thread.
        Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                    MockVaadin.runUIQueue();
                    assertThat(done.get()).as(() -> what + " within 30 s; state "
                            + field(Span.class, "run-state").getText() + ", log:\n"
                            + field(Pre.class, "run-log").getText()).isTrue();
                });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theFormStartsFromTheDemoPresetOnTheDemoDataset() {
        UI.getCurrent().navigate(RunsView.class);
        assertThat(field(ComboBox.class, "run-dataset").getValue()).isEqualTo("demo");
        assertThat(field(ComboBox.class, "run-preset").getValue()).isEqualTo("demo");
        assertThat((List<String>) field(ComboBox.class, "run-model").getListDataView().getItems().toList())
                .contains("tiny", "small");
        var demo = service.preset("demo");
        assertThat(field(IntegerField.class, "run-steps").getValue()).isEqualTo(demo.steps());
        assertThat(field(IntegerField.class, "run-seq-len").getValue()).isEqualTo(demo.seqLen());
        assertThat(Double.parseDouble(field(TextField.class, "run-lr").getValue())).isEqualTo(demo.lr());
        assertThat(field(NumberField.class, "run-mix-visual_chat").getValue())
                .isEqualTo(demo.mix().get("visual_chat"));

        assertThat(field(Span.class, "run-tokenizer-note").getText()).isEmpty();
        field(ComboBox.class, "run-preset").setValue("runs-test");
        assertThat(field(IntegerField.class, "run-steps").getValue()).isEqualTo(30);
        assertThat(field(IntegerField.class, "run-seq-len").getValue()).isEqualTo(128);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theMemoryLineFollowsTheSequenceLengthAndSaysWhenAModelDoesNotFit() {
        UI.getCurrent().navigate(RunsView.class);
        Span memory = field(Span.class, "run-memory");
        field(ComboBox.class, "run-model").setValue("tiny");
        field(IntegerField.class, "run-seq-len").setValue(64);
        String shortWindows = memory.getText();
        assertThat(shortWindows).startsWith("Memory needed: about ")
                .contains("(weights ", "gradients ", "optimizer ", "activations ")
                .contains("by the formula", "plan for ", "this machine has ").endsWith(": fits");

        field(IntegerField.class, "run-seq-len").setValue(256);
        assertThat(memory.getText()).startsWith("Memory needed: about ").isNotEqualTo(shortWindows);

        field(ComboBox.class, "run-model").setValue("chameleon-34b");
        assertThat(memory.getText())
                .contains("does not fit: lower the sequence length, use a smaller model, or a LoRA preset");
    }

    @Test
    void aWorkspaceWithoutTokenizersIsToldTheFirstRunTrainsThem() throws Exception {
        Files.delete(service.textTokenizer());
        UI.getCurrent().navigate(RunsView.class);
        assertThat(field(Span.class, "run-tokenizer-note").getText())
                .startsWith("This workspace has no tokenizers yet: the first run trains them")
                .contains("VQ preset '" + service.tokenizerRecipe().imageConfig() + "'");
    }

    @Test
    void invalidSettingsAreShownByTheirFieldAndNothingLaunches() {
        UI.getCurrent().navigate(RunsView.class);
        int before = service.runs().size();
        Button launch = field(Button.class, "launch-run");

        IntegerField steps = field(IntegerField.class, "run-steps");
        steps.setValue(0);
        _click(launch);
        assertThat(steps.isInvalid()).isTrue();
        assertThat(steps.getErrorMessage()).contains("steps (0) must be a positive integer");
        steps.setValue(50);

        TextField lr = field(TextField.class, "run-lr");
        lr.setValue("fast");
        _click(launch);
        assertThat(steps.isInvalid()).isFalse();
        assertThat(lr.isInvalid()).isTrue();
        assertThat(lr.getErrorMessage()).contains("'fast' is not a number").contains("1e-3");
        lr.setValue("-0.1");
        _click(launch);
        assertThat(lr.getErrorMessage()).contains("lr (-0.1) must be a positive finite number");
        lr.setValue("1e-3");

        NumberField code = field(NumberField.class, "run-mix-code");
        code.setValue(-1.0);
        _click(launch);
        assertThat(code.isInvalid()).isTrue();
        assertThat(code.getErrorMessage()).contains("mix weight of code (-1.0) must be a finite number >= 0");
        for (Category c : Category.values()) {
            field(NumberField.class, "run-mix-" + c.wireName()).setValue(0.0);
        }
        _click(launch);
        assertThat(field(Span.class, "run-mix-error").getText()).contains("mix weights sum to 0");

        assertThat(service.runs()).hasSize(before);
    }

    @Test
    @SuppressWarnings("unchecked")
    void startFromListsImportedCheckpointsAndTheRequestCarriesInitFrom() throws Exception {
        Path folder = HfFolder.write(Files.createTempDirectory(TestData.buildDir("hf-folders"), "runs-"), 1);
        CheckpointChoice imported = checkpoints.register(folder.toString(), "runs-view-start");
        try {
            UI.getCurrent().navigate(RunsView.class);
            int before = service.runs().size();
            Select<CheckpointChoice> startFrom = field(Select.class, "run-init-from");
            assertThat(startFrom.getValue()).as("a random initialisation by default").isNull();
            assertThat(startFrom.getEmptySelectionCaption()).isEqualTo("Random initialisation");
            assertThat(startFrom.getListDataView().getItems().toList()).contains(imported);
            assertThat(_get(RunForm.class).request().initFrom()).isEmpty();

            startFrom.setValue(imported);
            RunRequest request = _get(RunForm.class).request();
            assertThat(request.initFrom()).isEqualTo(folder.toString());
            assertThat(request.model()).as("the shape comes from the checkpoint").isNull();
            assertThat(field(ComboBox.class, "run-model").isEnabled()).isFalse();
            // The memory line follows the checkpoint's shape (one layer here), not the disabled model size.
            String fromCheckpoint = field(Span.class, "run-memory").getText();
            assertThat(fromCheckpoint).startsWith("Memory needed: about ").doesNotContain("unknown");
            startFrom.setValue(null);
            assertThat(field(Span.class, "run-memory").getText()).isNotEqualTo(fromCheckpoint);
            startFrom.setValue(imported);

            fakeTrainer("exit 0");
            _click(field(Button.class, "launch-run"));
            assertThat(startFrom.isInvalid()).as(startFrom.getErrorMessage()).isFalse();
            assertThat(_find(Paragraph.class, spec -> spec.withId("run-form-error"))).isEmpty();
            assertThat(service.runs()).hasSize(before + 1);
            Path runYaml = service.runs().get(0).dir().resolve("run.yaml");
            assertThat(Files.readString(runYaml)).contains("init_from: " + folder);
            TrainConfig written = TrainConfig.load(runYaml);
            assertThat(written.initFrom()).isEqualTo(folder.toString());
            assertThat(written.model()).isNull();
            assertThat(written.textTokenizer()).as("the checkpoint's own tokenizer")
                    .isEqualTo(folder.resolve("tokenizer.json").toString());
            assertThat(written.resolveModel().layers()).isEqualTo(1);

            assertThatThrownBy(() -> service.validate(request.withModel("tiny")))
                    .isInstanceOfSatisfying(InvalidRunException.class, e -> assertThat(e.field()).isEqualTo("model"));
            assertThatThrownBy(() -> service.validate(request.withInitFrom(folder.resolve("gone").toString())))
                    .isInstanceOf(InvalidRunException.class).hasMessageContaining("is not a checkpoint folder");
            Files.delete(folder.resolve("tokenizer.json"));
            assertThatThrownBy(() -> service.validate(request))
                    .isInstanceOf(InvalidRunException.class).hasMessageContaining("Cannot start from " + folder)
                    .hasMessageContaining("has no tokenizer.json");
        } finally {
            checkpoints.imported().remove("runs-view-start");
        }
    }

    @Test
    void aLaunchedRunShowsItsProgressLossCurvesAndCheckpoints() throws Exception {
        fakeTrainer(FAKE_TRAINER);
        UI.getCurrent().navigate(RunsView.class);
        field(IntegerField.class, "run-steps").setValue(3);
        _click(field(Button.class, "launch-run"));
        assertThat(_find(Paragraph.class, spec -> spec.withId("run-form-error"))).isEmpty();

        Span state = field(Span.class, "run-state");
        await("the run succeeds", () -> state.getText().equals("succeeded"));

        RunInfo run = service.runs().get(0);
        assertThat(field(Span.class, "run-state").getText()).isEqualTo("succeeded");
        assertThat(field(ProgressBar.class, "run-progress").getValue()).isEqualTo(1.0);
        assertThat(field(Span.class, "run-stats").getText()).startsWith("step 3/3 · loss 3.5000 · lr 1.00e-03")
                .contains("1,234 tok/s");
        String loss = RunsView.svgOf(field(Div.class, "loss-chart"));
        assertThat(loss).startsWith("<svg").contains("<polyline").contains("data-series=\"loss\"");
        String perCategory = RunsView.svgOf(field(Div.class, "category-chart"));
        assertThat(perCategory).contains("data-series=\"Text\"").contains("data-series=\"Visual Chat\"")
                .doesNotContain("data-series=\"Code\"");
        assertThat(RunsView.svgOf(field(Div.class, "lr-chart"))).contains("<polyline");
        assertThat(field(Pre.class, "run-log").getText()).contains("step 3/3 (fake trainer)");
        assertThat(field(Span.class, "run-checkpoints").getText()).isEqualTo("Checkpoints: step 3");
        assertThat(field(Button.class, "resume-run").isEnabled()).isFalse();
        assertThat(service.checkpoints()).anyMatch(c -> c.runId().equals(run.id()) && c.step() == 3);

        Path dir = run.dir();
        assertThat(Files.readString(dir.resolve("run.yaml"))).contains("steps: 3").contains("out_dir: " + dir);
        assertThat(Files.readString(dir.resolve("state.json"))).contains("\"state\" : \"succeeded\"");
    }

    @Test
    void aFailedRunShowsTheTrainersErrorAndCanBeResumed() throws Exception {
        fakeTrainer(FAILING_TRAINER);
        UI.getCurrent().navigate(RunsView.class);
        field(IntegerField.class, "run-steps").setValue(3);
        _click(field(Button.class, "launch-run"));
        Span state = field(Span.class, "run-state");
        await("the run fails", () -> state.getText().equals("failed"));

        Paragraph error = field(Paragraph.class, "run-error");
        assertThat(error.isVisible()).isTrue();
        assertThat(error.getText()).startsWith("The trainer exited with code 3: error: out of memory (fake)")
                .contains("resume");
        assertThat(field(Pre.class, "run-log").getText()).contains("error: out of memory (fake)");
        Button resume = field(Button.class, "resume-run");
        assertThat(resume.isEnabled()).isTrue();

        fakeTrainer(FAKE_TRAINER);
        _click(resume);
        await("the resumed run succeeds", () -> state.getText().equals("succeeded"));
        assertThat(_find(Paragraph.class, spec -> spec.withId("run-error"))).isEmpty();
        assertThat(service.runs().get(0).status().launches()).isEqualTo(2);
    }
}
