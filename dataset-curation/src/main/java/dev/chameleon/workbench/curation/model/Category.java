package dev.chameleon.workbench.curation.model;

import java.util.Locale;

/** The six SFT data categories of the Chameleon recipe. */
public enum Category {
    TEXT("Text"),
    CODE("Code"),
    VISUAL_CHAT("Visual Chat"),
    IMAGE_GENERATION("Image Generation"),
    INTERLEAVED_GENERATION("Interleaved Generation"),
    SAFETY("Safety");

    private final String label;

    Category(String label) {
        this.label = label;
    }

    /** The name shown to people, e.g. "Visual Chat". */
    public String label() {
        return label;
    }

    /** The snake-case name used in files and queries, e.g. "visual_chat". */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses "visual_chat", "Visual Chat", "visual-chat" or "VISUAL_CHAT".
     *
     * @throws IllegalArgumentException listing the valid names
     */
    public static Category parse(String s) {
        if (s != null) {
            String key = s.trim().toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
            for (Category c : values()) {
                if (c.name().equals(key)) {
                    return c;
                }
            }
            if (key.equals("INTERLEAVED")) {
                return INTERLEAVED_GENERATION;
            }
        }
        throw new IllegalArgumentException("unknown category '" + s + "'; use one of "
                + "text, code, visual_chat, image_generation, interleaved_generation, safety");
    }
}
