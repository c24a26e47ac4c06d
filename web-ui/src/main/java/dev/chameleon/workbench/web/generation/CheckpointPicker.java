package dev.chameleon.workbench.web.generation;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.combobox.ComboBox;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * Picks a checkpoint: the workspace's runs' checkpoints, newest first, the imported ones after them, or a folder
 * path typed or pasted in.
 * Picking one loads it in the background, so a generation starts at once; a load that fails marks the field
 * with the engine's message (e.g. a missing tokenizer and where to put it).
 */
public class CheckpointPicker extends ComboBox<CheckpointChoice> {

    private final CheckpointService checkpoints;
    private final PlaygroundEngine engine;
    private final List<CheckpointChoice> typed = new ArrayList<>();
    private java.nio.file.Path preloaded;

    public CheckpointPicker(String label, String id, CheckpointService checkpoints, PlaygroundEngine engine) {
        super(label);
        this.checkpoints = checkpoints;
        this.engine = engine;
        setId(id);
        setWidth("28em");
        setAllowCustomValue(true);
        setItemLabelGenerator(CheckpointChoice::label);
        setPlaceholder("A run's or an imported checkpoint, or paste a folder path");
        addCustomValueSetListener(e -> useTyped(e.getDetail()));
        addValueChangeListener(e -> {
            // Refreshing the items clears and restores the value: that is not a new pick.
            if (e.getValue() != null && !e.getValue().dir().equals(preloaded)) {
                preload(e.getValue());
            }
        });
        refresh();
        if (getValue() == null) {
            // The newest trained checkpoint is picked (and so loaded) at once; an imported one, many GB, only when
            // the user picks it.
            List<CheckpointChoice> all = checkpoints.list();
            Optional<CheckpointChoice> trained = all.stream().filter(c -> !c.imported()).findFirst();
            if (trained.isPresent()) {
                setValue(trained.get());
            } else if (all.isEmpty()) {
                setHelperText("No checkpoints in this workspace yet: train a run (Runs), add a released checkpoint "
                        + "folder, or paste the path of a checkpoint folder (RUN/checkpoints/step-N)");
            } else {
                setHelperText("Pick an imported checkpoint (loading a large one takes a while), or train a run");
            }
        }
    }

    /** Lists the checkpoints again and picks {@code c} (one just registered), which loads it. */
    public void pick(CheckpointChoice c) {
        refresh();
        setValue(c);
    }

    /** Lists the checkpoints again (a run may have written new ones), keeping the selection. */
    public void refresh() {
        CheckpointChoice current = getValue();
        List<CheckpointChoice> items = new ArrayList<>(checkpoints.list());
        for (CheckpointChoice t : typed) {
            if (items.stream().noneMatch(c -> c.dir().equals(t.dir()))) {
                items.add(t);
            }
        }
        setItems(items);
        if (current != null) {
            items.stream().filter(c -> c.dir().equals(current.dir())).findFirst().ifPresent(this::setValue);
        }
    }

    /** The picked checkpoint, or null after marking the field. */
    public CheckpointChoice require() {
        if (getValue() == null) {
            setErrorMessage("Pick a checkpoint, or paste the path of a checkpoint folder");
            setInvalid(true);
        }
        return getValue();
    }

    private void useTyped(String text) {
        CheckpointChoice c;
        try {
            c = checkpoints.resolve(text);
        } catch (IllegalArgumentException e) {
            setErrorMessage(e.getMessage());
            setInvalid(true);
            return;
        }
        if (typed.stream().noneMatch(t -> t.dir().equals(c.dir()))) {
            typed.add(c);
        }
        refresh();
        setValue(c);
    }

    private void preload(CheckpointChoice c) {
        preloaded = c.dir();
        setInvalid(false);
        setHelperText("Loading " + c.label() + "…");
        UI ui = UI.getCurrent();
        engine.load(c.dir()).whenComplete((model, failure) -> {
            try {
                ui.access(() -> {
                    if (getValue() == null || !getValue().dir().equals(c.dir())) {
                        return; // another checkpoint was picked meanwhile
                    }
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        setHelperText(null);
                        setErrorMessage("Cannot load " + c.label() + ": " + cause.getMessage());
                        setInvalid(true);
                    } else {
                        setHelperText(String.format("Loaded: %d codes per image, context %d tokens",
                                model.imageTokens(), model.maxContext()));
                    }
                });
            } catch (UIDetachedException e) {
                // The view is gone; the model stays cached for the next visit.
            }
        });
    }
}
