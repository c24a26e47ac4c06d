package dev.chameleon.workbench.curation.images;

/** An image the store refuses, with the reason in words a user can act on. */
public final class BadImageException extends Exception {
    public BadImageException(String message) {
        super(message);
    }

    public BadImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
