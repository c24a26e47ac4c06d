package dev.chameleon.workbench.web.runs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Where a run is in its life; written to state.json by its lower-case name. */
public enum RunState {
    /** Waiting for a free slot (one run at a time by default). */
    QUEUED,
    /** Training the workspace's tokenizers, which the run needs first. */
    PREPARING,
    /** The trainer process is running. */
    RUNNING,
    SUCCEEDED,
    /** The trainer (or a tokenizer trainer) exited with an error or was killed; resumable. */
    FAILED,
    /** Stopped by the user; resumable. */
    CANCELLED,
    /** The workbench stopped while the run was active; resumable. */
    INTERRUPTED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RunState parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }

    /** A process works on the run (or will, once the queue reaches it). */
    public boolean active() {
        return this == QUEUED || this == PREPARING || this == RUNNING;
    }

    /** The run stopped before its last step and can continue from its newest checkpoint. */
    public boolean resumable() {
        return this == FAILED || this == CANCELLED || this == INTERRUPTED;
    }
}
