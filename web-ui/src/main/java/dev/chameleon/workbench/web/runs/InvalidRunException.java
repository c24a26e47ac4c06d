package dev.chameleon.workbench.web.runs;

/**
 * A run setting that cannot train, with the form field it belongs to ({@code dataset}, {@code preset},
 * {@code model}, {@code steps}, {@code lr}, {@code seq_len}, {@code mix}, or {@code mix.CATEGORY} for one
 * category's weight) so the view shows the message beside it.
 */
public final class InvalidRunException extends IllegalArgumentException {

    private final String field;

    public InvalidRunException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
