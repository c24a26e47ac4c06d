package dev.chameleon.workbench.web.playground;

import dev.chameleon.workbench.web.generation.AddCheckpointFolder;
import dev.chameleon.workbench.web.generation.AnswerModes;
import dev.chameleon.workbench.web.generation.AnswerPanel;
import dev.chameleon.workbench.web.generation.CheckpointChoice;
import dev.chameleon.workbench.web.generation.CheckpointPicker;
import dev.chameleon.workbench.web.generation.CheckpointService;
import dev.chameleon.workbench.web.generation.PlaygroundEngine;
import dev.chameleon.workbench.web.generation.PromptImage;
import dev.chameleon.workbench.web.generation.SettingsForm;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.chameleon.workbench.trainer.generate.GenerationException;
import dev.chameleon.workbench.trainer.generate.GenerationRequest;
import dev.chameleon.workbench.trainer.generate.GenerationResult;
import dev.chameleon.workbench.trainer.generate.Mode;
import dev.chameleon.workbench.web.MainLayout;
import dev.chameleon.workbench.web.common.Links;

import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks a checkpoint something: a prompt, optionally an image, the answer's mode (text, image or both), sampling
 * and guidance; the answer streams in (text as it comes, images filling in) and can be stopped.
 */
@Route(value = Links.PLAYGROUND, layout = MainLayout.class)
@PageTitle("Playground | Chameleon Workbench")
@Menu(title = "Playground", order = 3, icon = "vaadin:magic")
public class PlaygroundView extends VerticalLayout {

    private final PlaygroundEngine engine;

    private final CheckpointPicker checkpoint;
    private final TextArea prompt = new TextArea("Prompt");
    private final PromptImage image = new PromptImage("");
    private final RadioButtonGroup<Mode> mode = AnswerModes.radioGroup("mode");
    private final SettingsForm settings = new SettingsForm("", true);
    private final Button generate = new Button("Generate");
    private final Button stop = new Button("Stop");
    private final AnswerPanel answer = new AnswerPanel("");

    private AtomicBoolean cancelled;

    PlaygroundView(PlaygroundEngine engine, CheckpointService checkpoints) {
        this.engine = engine;
        checkpoint = new CheckpointPicker("Checkpoint", "checkpoint", checkpoints, engine);

        prompt.setId("prompt");
        prompt.setWidthFull();
        prompt.setMinHeight("6em");
        prompt.setPlaceholder("Draw a red circle. / What shape is in the picture?");

        Details sampling = new Details("Sampling and guidance", settings);
        sampling.setId("settings");
        sampling.setOpened(true);

        generate.setId("generate");
        generate.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        generate.addClickListener(e -> generate());
        stop.setId("stop");
        stop.addThemeVariants(ButtonVariant.LUMO_ERROR);
        stop.setEnabled(false);
        stop.addClickListener(e -> stop());

        HorizontalLayout top = new HorizontalLayout(checkpoint, mode);
        top.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        AddCheckpointFolder addFolder = new AddCheckpointFolder(checkpoints, checkpoint::pick);
        add(new H2("Playground"), top, addFolder, prompt, image, sampling, new HorizontalLayout(generate, stop), answer);
        setMaxWidth("70em");
    }

    @Override
    protected void onAttach(AttachEvent event) {
        super.onAttach(event);
        checkpoint.refresh();
    }

    @Override
    protected void onDetach(DetachEvent event) {
        // Nobody is watching: stop the answer so the next request in the queue need not wait for it.
        if (cancelled != null) {
            cancelled.set(true);
        }
        super.onDetach(event);
    }

    private void generate() {
        CheckpointChoice c = checkpoint.require();
        Optional<SettingsForm.Settings> s = settings.read();
        if (c == null || s.isEmpty()) {
            return;
        }
        if (prompt.getValue().isBlank() && image.images().isEmpty()) {
            prompt.setErrorMessage("Type a prompt or attach an image");
            prompt.setInvalid(true);
            return;
        }
        prompt.setInvalid(false);
        GenerationRequest request;
        try {
            request = new GenerationRequest(prompt.getValue(), image.images(), mode.getValue(), s.get().sampling(),
                    s.get().guidance(), s.get().maxNewTokens());
        } catch (GenerationException e) {
            failed(e);
            return;
        }
        AtomicBoolean stopFlag = new AtomicBoolean();
        cancelled = stopFlag;
        generate.setEnabled(false);
        stop.setEnabled(true);
        answer.reset("Waiting for " + c.label() + " (loading it, or another answer in the queue)…",
                "Generating with " + c.label() + "…");
        answer.scrollIntoView();
        UI ui = UI.getCurrent();
        engine.generate(c.dir(), request, answer.listener(ui), stopFlag::get)
                .whenComplete((result, failure) -> access(ui, () -> finished(stopFlag, result, failure)));
    }

    private void stop() {
        if (cancelled != null) {
            cancelled.set(true);
            stop.setEnabled(false);
            answer.showStatus("Stopping…", false);
        }
    }

    private void finished(AtomicBoolean run, GenerationResult result, Throwable failure) {
        if (run != cancelled) {
            return; // an older generation's late completion
        }
        cancelled = null;
        answer.drain();
        generate.setEnabled(true);
        stop.setEnabled(false);
        if (failure != null) {
            failed(failure);
        } else {
            answer.showResult(result);
        }
    }

    private void failed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String message = cause instanceof GenerationException ? cause.getMessage()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        answer.showStatus("Generation failed: " + message, true);
        Notification n = Notification.show("Generation failed: " + message, 10_000, Notification.Position.MIDDLE);
        n.addThemeVariants(NotificationVariant.LUMO_ERROR);
    }

    private static void access(UI ui, com.vaadin.flow.server.Command command) {
        try {
            ui.access(command);
        } catch (UIDetachedException e) {
            // The tab is gone; nothing to show the result in.
        }
    }
}
