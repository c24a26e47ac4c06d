package dev.chameleon.workbench.web.datasets;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.HarmTaxonomy;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.ReviewStatus;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

/**
 * One example, opened for review: the conversation as it will be trained on (each message with its role,
 * text as text and images inline from the image store), and the review actions. A re-categorisation that
 * the example's shape does not fit is refused with the rules it breaks.
 */
class ExampleDetail extends Dialog {

    private final Curation curation;
    private final long exampleId;
    private final Runnable onChange;

    private final Span status = new Span();
    private final ComboBox<Category> category = new ComboBox<>("Category");
    private final ComboBox<String> harm = new ComboBox<>("Harm category");
    private final Div problems = new Div();
    private Example example;

    ExampleDetail(Curation curation, long exampleId, Runnable onChange) {
        this.curation = curation;
        this.exampleId = exampleId;
        this.onChange = onChange;
        this.example = curation.example(exampleId)
                .orElseThrow(() -> new IllegalArgumentException("no example with id " + exampleId));
        setId("example-detail");
        setHeaderTitle("Example " + exampleId);
        setWidth("min(56rem, 95vw)");
        setMaxHeight("90vh");

        Div conversation = new Div();
        conversation.setId("conversation");
        for (Message m : example.messages()) {
            conversation.add(message(m));
        }

        status.setId("detail-status");
        Span source = new Span("Source " + example.source());
        source.getStyle().set("color", "var(--lumo-secondary-text-color)");
        HorizontalLayout meta = new HorizontalLayout(status, source);
        if (!example.tags().isEmpty()) {
            meta.add(new Span("Tags: " + String.join(", ", example.tags())));
        }
        meta.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);

        problems.setId("category-problems");
        problems.getStyle().set("color", "var(--lumo-error-text-color)");
        add(meta, conversation, problems);

        Button accept = new Button("Accept", e -> review(ReviewStatus.ACCEPTED));
        accept.setId("accept");
        accept.addThemeVariants(ButtonVariant.LUMO_SUCCESS, ButtonVariant.LUMO_PRIMARY);
        Button reject = new Button("Reject", e -> review(ReviewStatus.REJECTED));
        reject.setId("reject");
        reject.addThemeVariants(ButtonVariant.LUMO_ERROR);

        category.setId("detail-category");
        category.setItems(Category.values());
        category.setItemLabelGenerator(Category::label);
        category.setValue(example.category());
        category.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                recategorise(e.getValue());
            }
        });
        harm.setId("detail-harm");
        harm.setItems(curation.taxonomy().harms().stream().map(HarmTaxonomy.Harm::id).toList());
        harm.setItemLabelGenerator(id -> curation.taxonomy().harms().stream().filter(h -> h.id().equals(id))
                .map(HarmTaxonomy.Harm::label).findFirst().orElse(id));
        harm.setValue(example.harmCategory());
        harm.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                recategorise(Category.SAFETY);
            }
        });
        Button close = new Button("Close", e -> close());
        close.setId("close-detail");
        HorizontalLayout actions = new HorizontalLayout(category, harm, accept, reject, close);
        actions.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        getFooter().add(actions);
        showState();
    }

    private Div message(Message m) {
        Div box = new Div();
        box.addClassName("message");
        box.addClassName("message-" + m.role().wireName());
        box.getStyle().set("margin-bottom", "var(--lumo-space-m)").set("padding", "var(--lumo-space-s)")
                .set("border-radius", "var(--lumo-border-radius-m)")
                .set("background", switch (m.role()) {
                    case USER -> "var(--lumo-contrast-5pct)";
                    case ASSISTANT -> "var(--lumo-primary-color-10pct)";
                    case SYSTEM -> "var(--lumo-contrast-10pct)";
                    case FUNCTION_CALL -> "var(--lumo-success-color-10pct)";
                    case OBSERVATION -> "var(--lumo-contrast-5pct)";
                });
        Span role = new Span(DatasetsView.capitalized(m.role().wireName()));
        role.addClassName("message-role");
        role.getStyle().set("font-weight", "600").set("font-size", "var(--lumo-font-size-s)");
        box.add(role);
        for (Part p : m.parts()) {
            if (p instanceof Part.Text t) {
                Paragraph text = new Paragraph(t.text());
                text.addClassName("message-text");
                text.getStyle().set("white-space", "pre-wrap").set("margin", "var(--lumo-space-xs) 0");
                box.add(text);
            } else if (p instanceof Part.Image i) {
                Image img = new Image(imageHandler(i.sha256()), "image " + i.sha256().substring(0, 12));
                img.addClassName("message-image");
                img.getStyle().set("display", "block").set("max-width", "100%").set("max-height", "20rem")
                        .set("margin", "var(--lumo-space-xs) 0").set("image-rendering", "auto");
                box.add(img);
            } else if (p instanceof Part.RemoteImage r) {
                Paragraph remote = new Paragraph("Image not available offline: " + r.url());
                remote.addClassName("message-remote-image");
                remote.getStyle().set("font-style", "italic").set("color", "var(--lumo-secondary-text-color)")
                        .set("border", "1px dashed var(--lumo-contrast-30pct)").set("padding", "var(--lumo-space-s)");
                box.add(remote);
            }
        }
        return box;
    }

    /** Serves an image's original bytes from the content-addressed store. */
    private DownloadHandler imageHandler(String sha256) {
        return DownloadHandler.fromInputStream(event -> {
            byte[] bytes;
            try {
                bytes = curation.images().read(sha256);
            } catch (IOException e) {
                return DownloadResponse.error(404, "image " + sha256 + " is not in the image store");
            }
            return new DownloadResponse(new ByteArrayInputStream(bytes), sha256, mimeType(bytes), bytes.length);
        }).inline();
    }

    /** The MIME type from the file's magic bytes (the store keeps bytes exactly as imported). */
    static String mimeType(byte[] b) {
        if (b.length >= 4 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "image/png";
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8) {
            return "image/jpeg";
        }
        if (b.length >= 3 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
            return "image/gif";
        }
        if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') {
            return "image/bmp";
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[8] == 'W' && b[9] == 'E') {
            return "image/webp";
        }
        return "application/octet-stream";
    }

    private void review(ReviewStatus s) {
        example = curation.setStatus(exampleId, s);
        showState();
        onChange.run();
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
        status.setText(DatasetsView.capitalized(example.status().wireName()) + " · " + example.category().label()
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
