package dev.chameleon.workbench.curation.review;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.ReviewStatus;

import java.util.Objects;

/**
 * One review change applied to many examples at once: a status, a category, or a tag to add.
 *
 * @param field        which review field it changes, and so which one an undo restores
 * @param status       the status to set ({@link Field#STATUS})
 * @param category     the category to set ({@link Field#CATEGORY})
 * @param harmCategory the harm id for Safety, or null to keep each example's own ({@link Field#CATEGORY})
 * @param tag          the tag to add ({@link Field#TAGS})
 */
public record ReviewAction(Field field, ReviewStatus status, Category category, String harmCategory, String tag) {

    /** Longest tag accepted: tags are labels, and an example's tags share 4,000 characters. */
    public static final int MAX_TAG = 100;

    /** The example field an action changes. */
    public enum Field {
        STATUS, CATEGORY, TAGS
    }

    public ReviewAction {
        Objects.requireNonNull(field, "field");
        switch (field) {
            case STATUS -> Objects.requireNonNull(status, "status");
            case CATEGORY -> Objects.requireNonNull(category, "category");
            case TAGS -> {
                if (tag == null || tag.isBlank() || tag.length() > MAX_TAG || !tag.strip().equals(tag)) {
                    throw new IllegalArgumentException("tag '" + tag + "' is not allowed; use 1 to " + MAX_TAG
                            + " characters without leading or trailing spaces");
                }
            }
        }
    }

    public static ReviewAction accept() {
        return status(ReviewStatus.ACCEPTED);
    }

    public static ReviewAction reject() {
        return status(ReviewStatus.REJECTED);
    }

    public static ReviewAction status(ReviewStatus s) {
        return new ReviewAction(Field.STATUS, s, null, null, null);
    }

    /** Re-categorise; for Safety, {@code harm} gives the harm id (null keeps each example's own). */
    public static ReviewAction category(Category c, String harm) {
        return new ReviewAction(Field.CATEGORY, null, c, c == Category.SAFETY ? harm : null, null);
    }

    public static ReviewAction tag(String t) {
        return new ReviewAction(Field.TAGS, null, null, null, t);
    }

    /** What it does, in a few words: "accept", "reject", "category code", "tag needs-fix". */
    public String describe() {
        return switch (field) {
            case STATUS -> switch (status) {
                case ACCEPTED -> "accept";
                case REJECTED -> "reject";
                case PENDING -> "reset to pending";
            };
            case CATEGORY -> "category " + category.wireName() + (harmCategory == null ? "" : " (harm " + harmCategory + ")");
            case TAGS -> "tag " + tag;
        };
    }
}
