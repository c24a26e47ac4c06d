package dev.chameleon.workbench.trainer.config;

/** A config file that cannot be used; the message names the file, the field (a JSON pointer) and the fix. */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;

    ConfigException(String message) {
        this(message, null, null);
    }

    ConfigException(String message, Throwable cause) {
        this(message, null, cause);
    }

    ConfigException(String message, String field, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** The field the error belongs to, as a JSON pointer ({@code /lr}, {@code /model/heads}); null for the file. */
    public String field() {
        return field;
    }
}
