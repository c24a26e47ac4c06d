package dev.chameleon.workbench.web.runs;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Run settings that cannot train, each with the form field it belongs to so the view shows the message beside it.
 */
public final class InvalidRunException extends IllegalArgumentException {

    /**
     * One rejected setting.
     *
     * @param field   {@code dataset}, {@code preset}, {@code model}, {@code steps}, {@code lr}, {@code seq_len},
     *                {@code init_from}, {@code mix}, or {@code mix.CATEGORY} for one category's weight
     * @param message what is wrong and how to fix it
     */
    public record FieldError(String field, String message) {
    }

    private final List<FieldError> errors;

    public InvalidRunException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    /** @param errors at least one */
    public InvalidRunException(List<FieldError> errors) {
        super(errors.stream().map(FieldError::message).collect(Collectors.joining("; ")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an InvalidRunException needs at least one field error");
        }
        this.errors = List.copyOf(errors);
    }

    /** The rejected settings, the most important first. */
    public List<FieldError> errors() {
        return errors;
    }

    /** The field of the first error. */
    public String field() {
        return errors.get(0).field();
    }
}
