package dev.chameleon.workbench.web.datasets;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;
import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.review.BulkReview;
import dev.chameleon.workbench.curation.review.BulkUndo;
import dev.chameleon.workbench.curation.review.ReviewAction;
import dev.chameleon.workbench.curation.search.SearchRequest;
import dev.chameleon.workbench.web.common.Labels;

/**
 * Review of every example the search and filters match, in one step: accept, reject, re-categorise or tag them,
 * after a confirmation that names the count, with an undo in the notification that reports it.
 */
final class BulkReviewBar extends HorizontalLayout {

    private final Curation curation;
    private final Runnable reviewed;
    private final Button bulkAccept = new Button();
    private final Button bulkReject = new Button();
    private final ComboBox<Category> bulkCategory = new ComboBox<>();
    private final Button bulkRecategorise = new Button("Re-categorise");
    private final TextField bulkTag = new TextField();
    private final Button bulkAddTag = new Button("Add tag");

    private SearchRequest request;
    private long matching;

    BulkReviewBar(Curation curation, Runnable reviewed) {
        this.curation = curation;
        this.reviewed = reviewed;
        setId("bulk-bar");
        bulkAccept.setId("bulk-accept");
        bulkAccept.addThemeVariants(ButtonVariant.LUMO_SUCCESS, ButtonVariant.LUMO_SMALL);
        bulkAccept.addClickListener(e -> confirm(ReviewAction.accept()));
        bulkReject.setId("bulk-reject");
        bulkReject.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL);
        bulkReject.addClickListener(e -> confirm(ReviewAction.reject()));
        bulkCategory.setId("bulk-category");
        bulkCategory.setPlaceholder("Category");
        bulkCategory.setItems(Category.values());
        bulkCategory.setItemLabelGenerator(Category::label);
        bulkCategory.setWidth("13em");
        bulkRecategorise.setId("bulk-recategorise");
        bulkRecategorise.addThemeVariants(ButtonVariant.LUMO_SMALL);
        bulkRecategorise.addClickListener(e -> {
            if (bulkCategory.getValue() == null) {
                bulkCategory.setInvalid(true);
                bulkCategory.setErrorMessage("Choose a category first");
                return;
            }
            bulkCategory.setInvalid(false);
            confirm(ReviewAction.category(bulkCategory.getValue(), null));
        });
        bulkTag.setId("bulk-tag");
        bulkTag.setPlaceholder("Tag");
        bulkTag.setWidth("10em");
        bulkAddTag.setId("bulk-add-tag");
        bulkAddTag.addThemeVariants(ButtonVariant.LUMO_SMALL);
        bulkAddTag.addClickListener(e -> {
            ReviewAction action;
            try {
                action = ReviewAction.tag(bulkTag.getValue() == null ? "" : bulkTag.getValue().strip());
            } catch (IllegalArgumentException ex) {
                bulkTag.setInvalid(true);
                bulkTag.setErrorMessage(ex.getMessage());
                return;
            }
            bulkTag.setInvalid(false);
            confirm(action);
        });
        Span label = new Span("All matching:");
        label.getStyle().set("color", "var(--lumo-secondary-text-color)");
        add(label, bulkAccept, bulkReject, bulkCategory, bulkRecategorise, bulkTag, bulkAddTag);
        setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        getStyle().set("flex-wrap", "wrap");
    }

    /** Labels the bulk buttons with what they will touch: everything the search and filters match. */
    void show(SearchRequest request, long matching) {
        this.request = request;
        this.matching = matching;
        String n = number(matching);
        bulkAccept.setText("Accept " + n + " matching");
        bulkReject.setText("Reject " + n + " matching");
        setEnabled(request != null && matching > 0);
    }

    private void confirm(ReviewAction action) {
        if (request == null || matching == 0) {
            return;
        }
        SearchRequest target = request;
        long n = matching;
        ConfirmDialog dialog = new ConfirmDialog();
        dialog.setId("bulk-confirm");
        dialog.setHeader(Labels.capitalized(action.describe()) + " " + number(n) + " "
                + (n == 1 ? "example" : "examples") + "?");
        dialog.setText("This applies \"" + action.describe() + "\" to every example of " + target.dataset()
                + " matching the current search and filters (" + number(n) + "). You can undo it afterwards.");
        dialog.setCancelable(true);
        dialog.setConfirmText(Labels.capitalized(action.describe()) + " " + number(n));
        dialog.addConfirmListener(e -> apply(target, action));
        dialog.open();
    }

    private void apply(SearchRequest target, ReviewAction action) {
        BulkReview r;
        try {
            r = curation.review(target, action);
        } catch (IllegalArgumentException e) { // a query that no longer parses, a dataset gone
            Notification.show(e.getMessage(), 6000, Notification.Position.BOTTOM_CENTER)
                    .addThemeVariants(NotificationVariant.LUMO_ERROR);
            return;
        }
        reviewed.run();
        StringBuilder text = new StringBuilder(Labels.capitalized(r.action()) + ": " + number(r.changed())
                + " changed");
        if (r.unchanged() > 0) {
            text.append(", ").append(number(r.unchanged())).append(" already so");
        }
        if (r.skippedCount() > 0) {
            text.append(", ").append(number(r.skippedCount())).append(" skipped (")
                    .append(String.join("; ", r.skipped().keySet())).append(')');
        }
        Notification note = new Notification();
        note.setId("bulk-result");
        note.setDuration(15_000);
        note.setPosition(Notification.Position.BOTTOM_CENTER);
        Span message = new Span(text.toString());
        message.setId("bulk-result-text");
        Button undo = new Button("Undo", e -> {
            note.close();
            undo(r.batchId());
        });
        undo.setId("bulk-undo");
        undo.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE);
        HorizontalLayout content = new HorizontalLayout(message, undo);
        content.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        note.add(content);
        note.open();
    }

    private void undo(long batchId) {
        try {
            BulkUndo u = curation.undo(batchId);
            Notification.show("Undone: " + number(u.restored()) + " " + (u.restored() == 1 ? "example" : "examples")
                    + " restored", 4000, Notification.Position.BOTTOM_CENTER);
        } catch (IllegalArgumentException e) {
            Notification.show(e.getMessage(), 6000, Notification.Position.BOTTOM_CENTER)
                    .addThemeVariants(NotificationVariant.LUMO_ERROR);
        }
        reviewed.run();
    }

    private static String number(long n) {
        return String.format("%,d", n);
    }
}
