package dev.chameleon.workbench.curation.model;

import java.util.Locale;

/**
 * What a dataset is for. An SFT dataset holds conversations with answers and is what snapshots freeze for
 * training. A prompt set holds prompts alone (evaluation prompts, red-team lists, over-refusal sets), optionally
 * with labels and categories; it is browsed and searched like a dataset, never snapshotted for SFT, and is what
 * evaluations run on.
 */
public enum DatasetKind {
    SFT, PROMPTS;

    /** The lower-case name used on the command line and in files ("sft", "prompts"). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "sft" or "prompts" (also "prompt", "prompt-set"). */
    public static DatasetKind parse(String s) {
        String k = s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
        return switch (k) {
            case "sft" -> SFT;
            case "prompts", "prompt", "prompt-set", "prompt_set" -> PROMPTS;
            default -> throw new IllegalArgumentException("unknown dataset kind '" + s + "'; use sft or prompts");
        };
    }
}
