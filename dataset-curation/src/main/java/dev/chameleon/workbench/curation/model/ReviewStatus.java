package dev.chameleon.workbench.curation.model;

import java.util.Locale;

/** Where an example stands in human review; only accepted examples go into a snapshot. */
public enum ReviewStatus {
    PENDING, ACCEPTED, REJECTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ReviewStatus parse(String s) {
        if (s != null) {
            for (ReviewStatus r : values()) {
                if (r.name().equalsIgnoreCase(s.trim())) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("unknown review status '" + s + "'; use pending, accepted or rejected");
    }
}
