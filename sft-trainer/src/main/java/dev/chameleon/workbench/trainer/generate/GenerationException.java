package dev.chameleon.workbench.trainer.generate;

/** A generation input that cannot be used; the message says what, where and how to fix it. */
public final class GenerationException extends RuntimeException {

    public GenerationException(String message) {
        super(message);
    }

    public GenerationException(String message, Throwable cause) {
        super(message, cause);
    }
}
