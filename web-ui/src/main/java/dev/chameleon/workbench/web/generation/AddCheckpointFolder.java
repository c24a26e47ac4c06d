package dev.chameleon.workbench.web.generation;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;

import java.util.function.Consumer;

/**
 * "Add checkpoint folder…": registers a released checkpoint in the Hugging Face layout, by a path on the machine the
 * workbench runs on, as imported ({@link ImportedCheckpoints}); the folder stays where it is. A refused folder is
 * explained beside the path field.
 */
public class AddCheckpointFolder extends Details {

    private final TextField path = new TextField("Checkpoint folder");
    private final TextField name = new TextField("Name (optional)");
    private final Button add = new Button("Add");

    /** @param added told the checkpoint just registered */
    public AddCheckpointFolder(CheckpointService checkpoints, Consumer<CheckpointChoice> added) {
        super("Add checkpoint folder…");
        setId("add-checkpoint");
        path.setId("add-checkpoint-path");
        path.setWidth("36em");
        path.setPlaceholder("/models/chameleon-7b");
        path.setHelperText("A folder on the machine the workbench runs on (a server-side path, not one on this "
                + "browser's computer) holding config.json, the .safetensors weights and tokenizer.json. It is "
                + "registered, not copied; removing it later leaves its files alone.");
        name.setId("add-checkpoint-name");
        name.setWidth("14em");
        name.setHelperText("Default: the folder's name");
        add.setId("add-checkpoint-button");
        add.addClickListener(e -> {
            path.setInvalid(false);
            name.setInvalid(false);
            CheckpointChoice c;
            try {
                c = checkpoints.register(path.getValue(), name.getValue());
            } catch (IllegalArgumentException | IllegalStateException ex) {
                TextField target = ex instanceof ImportedCheckpoints.RefusedName ? name : path;
                target.setErrorMessage(ex.getMessage());
                target.setInvalid(true);
                return;
            }
            path.clear();
            name.clear();
            setOpened(false);
            Notification.show("Registered " + c.label(), 5_000, Notification.Position.BOTTOM_START);
            added.accept(c);
        });
        HorizontalLayout row = new HorizontalLayout(path, name, add);
        row.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        add(row);
    }
}
