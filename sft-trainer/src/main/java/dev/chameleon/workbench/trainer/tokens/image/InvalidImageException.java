package dev.chameleon.workbench.trainer.tokens.image;

/** An image the tokenizer refuses, with what is wrong and how to fix it in the message. */
public final class InvalidImageException extends IllegalArgumentException {

    public InvalidImageException(String message) {
        super(message);
    }

    public InvalidImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
