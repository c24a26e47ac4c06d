package dev.chameleon.workbench.curation.store;

import dev.chameleon.workbench.curation.model.DatasetKind;

import java.time.Instant;

/**
 * A named collection of examples in the workspace.
 *
 * @param kind what it is for: SFT data to snapshot and train on, or a prompt set for evaluations
 */
public record Dataset(long id, String name, Instant createdAt, DatasetKind kind) {

    /** True for a prompt set: browsed and searched like SFT data, never snapshotted for training. */
    public boolean isPromptSet() {
        return kind == DatasetKind.PROMPTS;
    }

    /** "SFT data" or "a prompt set", for messages. */
    public String describeKind() {
        return isPromptSet() ? "a prompt set" : "SFT data";
    }
}
