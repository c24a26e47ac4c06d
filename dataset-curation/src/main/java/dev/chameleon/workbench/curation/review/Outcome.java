package dev.chameleon.workbench.curation.review;

import dev.chameleon.workbench.curation.model.Example;

/**
 * What a bulk review does to one example: change it (to {@code updated}'s review fields), leave it as it is
 * because it already has the value, or skip it for a reason (a rule the change would break).
 */
public record Outcome(Example updated, String skipReason) {

    private static final Outcome UNCHANGED = new Outcome(null, null);

    public static Outcome unchanged() {
        return UNCHANGED;
    }

    public static Outcome skip(String reason) {
        return new Outcome(null, reason);
    }

    public static Outcome change(Example updated) {
        return new Outcome(updated, null);
    }
}
