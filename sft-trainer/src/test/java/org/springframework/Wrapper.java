package org.springframework;

/** Stands for a Spring framework exception (the command-line message unwraps those by package). */
public final class Wrapper extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Wrapper(String message, Throwable cause) {
        super(message, cause);
    }
}
