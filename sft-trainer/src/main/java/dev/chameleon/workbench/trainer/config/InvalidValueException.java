package dev.chameleon.workbench.trainer.config;

/**
 * A config value that a record's own check rejects, with the snake_case key it belongs to ({@code steps},
 * {@code mix/code}), so that a form or a file position can point at that key without reading the message.
 */
public final class InvalidValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * @param key     the key under the checked record, segments joined by '/' (e.g. {@code lr}, {@code mix/code})
     * @param message what is wrong and the fix; opens with the key by convention
     */
    public InvalidValueException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The key the rejected value belongs to, relative to the checked record. */
    public String key() {
        return key;
    }
}
