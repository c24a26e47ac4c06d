package dev.chameleon.workbench.curation.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.Map;

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

    /** Metadata the container adds to the current record's examples (CSV: formula-like cells); usually none. */
    Map<String, String> annotations() {
        return Map.of();
    }

    /** 1-based line where the record starts. */
    final long line() {
        return line;
    }

    /**
     * A parser limit the input hit, in words: nesting deeper than a record ever needs (a hostile document, say),
     * or a string or number longer than allowed; null for any other parse error.
     */
    static String limit(JsonProcessingException e, int maxChars) {
        if (!(e instanceof StreamConstraintsException)) {
            return null;
        }
        String m = String.valueOf(e.getOriginalMessage());
        if (m.contains("nesting depth")) {
            return "nests deeper than " + StreamReadConstraints.DEFAULT_MAX_DEPTH + " levels, far more than a record "
                    + "needs";
        }
        if (m.contains("String")) {
            return "holds a string longer than the limit of " + maxChars + " characters for one record";
        }
        return "holds a number or field name longer than the parser allows";
    }

    protected final void clear() {
        node = null;
        problem = null;
        fatal = false;
    }
}
