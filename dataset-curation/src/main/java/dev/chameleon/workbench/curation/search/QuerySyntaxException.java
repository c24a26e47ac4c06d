package dev.chameleon.workbench.curation.search;

/** A search query that does not parse; the message points at the problem and the syntax. */
public final class QuerySyntaxException extends IllegalArgumentException {
    public QuerySyntaxException(String message, Throwable cause) {
        super(message, cause);
    }
}
