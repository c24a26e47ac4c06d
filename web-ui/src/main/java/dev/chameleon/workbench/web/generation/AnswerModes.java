package dev.chameleon.workbench.web.generation;

import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import dev.chameleon.workbench.trainer.generate.Mode;

/** The choice of what a model answers with (text, an image, or both), as the generation views show it. */
public final class AnswerModes {

    private AnswerModes() {
    }

    /** The three answer modes as radio buttons, text first. */
    public static RadioButtonGroup<Mode> radioGroup(String id) {
        RadioButtonGroup<Mode> group = new RadioButtonGroup<>("Answer with");
        group.setId(id);
        group.setItems(Mode.values());
        group.setItemLabelGenerator(m -> switch (m) {
            case TEXT -> "Text";
            case IMAGE -> "An image";
            case INTERLEAVED -> "Text and images";
        });
        group.setValue(Mode.TEXT);
        return group;
    }
}
