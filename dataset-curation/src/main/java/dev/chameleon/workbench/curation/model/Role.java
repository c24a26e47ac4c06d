package dev.chameleon.workbench.curation.model;

import java.util.Locale;

/** Who speaks a message in a conversation. */
public enum Role {
    SYSTEM, USER, ASSISTANT;

    /** The lower-case name used in every file format we read and write. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a role as the common formats spell it ("user", "human", "gpt", "assistant", "system").
     *
     * @throws IllegalArgumentException naming the accepted spellings
     */
    public static Role parse(String s) {
        if (s == null) {
            throw new IllegalArgumentException("missing role; use one of system, user, assistant");
        }
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "system":
                return SYSTEM;
            case "user": case "human": case "prompter":
                return USER;
            case "assistant": case "gpt": case "bot": case "model": case "chatbot":
                return ASSISTANT;
            default:
                throw new IllegalArgumentException("unknown role '" + s
                        + "'; use one of system, user (human), assistant (gpt)");
        }
    }
}
