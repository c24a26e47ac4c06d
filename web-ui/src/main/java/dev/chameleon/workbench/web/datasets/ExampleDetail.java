package dev.chameleon.workbench.web.datasets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.Shortcuts;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ExampleJson;
import dev.chameleon.workbench.curation.model.HarmTaxonomy;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.web.common.Labels;
import dev.chameleon.workbench.web.common.MessageBox;

import java.util.List;
import java.util.Optional;

/**
 * One example, opened for review: the conversation as it will be trained on (each message with its role,
 * text as text and images inline from the image store), what else the example carries (a review note, the tool
 * schema, a preference pair's rejected answer), and the review actions. A re-categorisation that the example's
 * shape does not fit is refused with the rules it breaks.
 *
 * <p>Keyboard: A accepts, R rejects, N or J goes to the next example of the grid's current search, P or K to the
 * previous one. The keys listen on the example's body, not on the category boxes, so typing there is typing.
 */
class ExampleDetail extends Dialog {

    /** Shown under the header so the keys are discoverable. */
    static final String SHORTCUTS = "Keys: A accept · R reject · N or J next · P or K previous";

    /** Moves through the grid's current rows: the example {@code step} rows away from the given one, if any. */
    @FunctionalInterface
    interface Navigator {
        Optional<Long> step(long fromId, int step);
    }

    private final Curation curation;
    private final Navigator navigator;
    private final Runnable onChange;

    private final Div body = new Div();
    private final Span status = new Span();
    private final ComboBox<Category> category = new ComboBox<>("Category");
    private final ComboBox<String> harm = new ComboBox<>("Harm category");
    private final Div problems = new Div();
    private long exampleId;
    private Example example;

    ExampleDetail(Curation curation, long exampleId, Navigator navigator, Runnable onChange) {
        this.curation = curation;
        this.navigator = navigator;
        this.onChange = onChange;
        setId("example-detail");
        setWidth("min(56rem, 95vw)");
        setMaxHeight("90vh");

        Span keys = new Span(SHORTCUTS);
        keys.setId("detail-shortcuts");
        keys.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
        getHeader().add(keys);

        body.setId("detail-body");
        body.getElement().setAttribute("tabindex", "0"); // focusable, so its keys work without clicking first
        body.getStyle().set("outline", "none");
        problems.setId("category-problems");
        problems.getStyle().set("color", "var(--lumo-error-text-color)");
        add(body, problems);

        Button accept = new Button("Accept", e -> review(ReviewStatus.ACCEPTED));
        accept.setId("accept");
        accept.addThemeVariants(ButtonVariant.LUMO_SUCCESS, ButtonVariant.LUMO_PRIMARY);
        Button reject = new Button("Reject", e -> review(ReviewStatus.REJECTED));
        reject.setId("reject");
        reject.addThemeVariants(ButtonVariant.LUMO_ERROR);
        Button previous = new Button("Previous", e -> move(-1));
        previous.setId("previous-example");
        Button next = new Button("Next", e -> move(1));
        next.setId("next-example");

        category.setId("detail-category");
        category.setItems(Category.values());
        category.setItemLabelGenerator(Category::label);
        category.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                recategorise(e.getValue());
            }
        });
        harm.setId("detail-harm");
        harm.setItems(curation.taxonomy().harms().stream().map(HarmTaxonomy.Harm::id).toList());
        harm.setItemLabelGenerator(id -> curation.taxonomy().harms().stream().filter(h -> h.id().equals(id))
                .map(HarmTaxonomy.Harm::label).findFirst().orElse(id));
        harm.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                recategorise(Category.SAFETY);
            }
        });
        Button close = new Button("Close", e -> close());
        close.setId("close-detail");
        HorizontalLayout actions = new HorizontalLayout(category, harm, accept, reject, previous, next, close);
        actions.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        actions.getStyle().set("flex-wrap", "wrap");
        getFooter().add(actions);

        shortcut(() -> review(ReviewStatus.ACCEPTED), Key.KEY_A);
        shortcut(() -> review(ReviewStatus.REJECTED), Key.KEY_R);
        shortcut(() -> move(1), Key.KEY_N);
        shortcut(() -> move(1), Key.KEY_J);
        shortcut(() -> move(-1), Key.KEY_P);
        shortcut(() -> move(-1), Key.KEY_K);
        show(exampleId);
        addOpenedChangeListener(e -> {
            if (e.isOpened()) {
                focusBody();
            }
        });
    }

    private void shortcut(Runnable action, Key key) {
        Shortcuts.addShortcutListener(body, action::run, key).listenOn(body);
    }

    /** Shows another example in this dialog. */
    private void show(long id) {
        exampleId = id;
        example = curation.example(id).orElseThrow(() -> new IllegalArgumentException("no example with id " + id));
        setHeaderTitle("Example " + id);
        body.removeAll();
        problems.removeAll();

        status.setId("detail-status");
        Span source = new Span("Source " + example.source());
        source.getStyle().set("color", "var(--lumo-secondary-text-color)");
        HorizontalLayout meta = new HorizontalLayout(status, source);
        if (!example.tags().isEmpty()) {
            meta.add(new Span("Tags: " + String.join(", ", example.tags())));
        }
        meta.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        body.add(meta);

        String note = example.metadata().get("review_note");
        if (note != null && !note.isBlank()) {
            Div box = new Div(new Span("Review note: " + note));
            box.setId("review-note");
            box.getStyle().set("background", "var(--lumo-warning-color-10pct, #fff4d6)").set("font-weight", "600")
                    .set("padding", "var(--lumo-space-s)").set("margin", "var(--lumo-space-s) 0")
                    .set("border-left", "4px solid var(--lumo-warning-color, #ffc107)");
            body.add(box);
        }
        if (example.tools() != null) {
            Pre tools = new Pre(prettyJson(example.tools()));
            tools.setId("detail-tools");
            tools.getStyle().set("max-height", "14rem").set("overflow", "auto").set("font-size", "var(--lumo-font-size-s)")
                    .set("background", "var(--lumo-contrast-5pct)").set("padding", "var(--lumo-space-s)");
            body.add(new H4("Tools"), tools);
        }

        Div conversation = new Div();
        conversation.setId("conversation");
        for (Message m : example.messages()) {
            conversation.add(MessageBox.of(m, curation.images()));
        }
        body.add(conversation);
        if (example.hasRejected()) {
            Div rejected = new Div();
            rejected.setId("rejected-answer");
            rejected.getStyle().set("border", "2px dashed var(--lumo-error-color-50pct)")
                    .set("border-radius", "var(--lumo-border-radius-m)").set("padding", "var(--lumo-space-s)");
            Span label = new Span("Rejected answer");
            label.addClassName("rejected-label");
            label.getStyle().set("font-weight", "600").set("color", "var(--lumo-error-text-color)");
            rejected.add(label);
            for (Message m : example.rejected()) {
                rejected.add(MessageBox.of(m, curation.images()));
            }
            body.add(rejected);
        }
        showState();
    }

    /** The tool schema indented for reading; as stored when it is not JSON after all. */
    private static String prettyJson(String json) {
        try {
            return ExampleJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(ExampleJson.MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            return json;
        }
    }

    private void move(int step) {
        Optional<Long> target = navigator.step(exampleId, step);
        if (target.isEmpty()) {
            Notification.show(step > 0 ? "This is the last example of the list" : "This is the first example of the list",
                    2000, Notification.Position.BOTTOM_CENTER);
            return;
        }
        show(target.get());
        focusBody();
    }

    private void focusBody() {
        body.getElement().callJsFunction("focus");
    }

    private void review(ReviewStatus s) {
        example = curation.setStatus(exampleId, s);
        showState();
        onChange.run();
        focusBody();
    }

    private void recategorise(Category wanted) {
        if (wanted == null) {
            category.setValue(example.category());
            return;
        }
        List<String> broken = curation.setCategory(exampleId, wanted, wanted == Category.SAFETY ? harm.getValue() : null);
        problems.removeAll();
        if (broken.isEmpty()) {
            example = curation.example(exampleId).orElseThrow();
            showState();
            onChange.run();
            return;
        }
        problems.add(new Span("Cannot make this a " + wanted.label() + " example:"));
        UnorderedList list = new UnorderedList();
        broken.forEach(b -> list.add(new ListItem(b)));
        problems.add(list);
        category.setValue(example.category());
        harm.setVisible(harm.isVisible() || wanted == Category.SAFETY);
    }

    private void showState() {
        status.setText(Labels.capitalized(example.status().wireName()) + " · " + example.category().label()
                + (example.harmCategory() == null ? "" : " · harm: " + example.harmCategory()));
        String[] colours = switch (example.status()) {
            case ACCEPTED -> new String[]{"var(--lumo-success-text-color)", "var(--lumo-success-color-10pct)"};
            case REJECTED -> new String[]{"var(--lumo-error-text-color)", "var(--lumo-error-color-10pct)"};
            case PENDING -> new String[]{"var(--lumo-secondary-text-color)", "var(--lumo-contrast-10pct)"};
        };
        status.getStyle().set("color", colours[0]).set("background", colours[1]).set("font-weight", "600")
                .set("padding", "0.2em 0.6em").set("border-radius", "var(--lumo-border-radius-l)");
        category.setValue(example.category());
        harm.setValue(example.harmCategory());
        harm.setVisible(example.category() == Category.SAFETY);
    }
}
