package dev.chameleon.workbench.trainer.config;

/** A config file that cannot be used; the message names the file, the field (a JSON pointer) and the fix. */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ConfigException(String message) {
        super(message);
    }

    ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
