package dev.chameleon.workbench.curation.io;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;

/**
 * Walks the records of a JSON input one at a time. After {@link #next()} returns true, exactly one of
 * {@link #node()} and {@link #problem()} is set, and {@link #line()} says where the record starts.
 */
abstract class JsonCursor {

    protected JsonNode node;
    protected String problem;
    protected boolean fatal;
    protected long line;

    /** Moves to the next record; false at the end (or after a fatal problem). */
    abstract boolean next() throws IOException;

    /** The record, a JSON object; null when this record is a problem. */
    final JsonNode node() {
        return node;
    }

    /** Why this record cannot be read; null when it parsed. */
    final String problem() {
        return problem;
    }

    /** True when the problem stops the file (nothing after it can be read). */
    final boolean fatal() {
        return fatal;
    }

    /** 1-based line where the record starts. */
    final long line() {
        return line;
    }

    protected final void clear() {
        node = null;
        problem = null;
        fatal = false;
    }
}
