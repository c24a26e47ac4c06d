package dev.chameleon.workbench.curation.io;

/** One record refused; the message says what is wrong and how to fix it. Thrown often, so it has no stack trace. */
final class RecordException extends Exception {

    private static final long serialVersionUID = 1L;

    RecordException(String message) {
        super(message, null, false, false);
    }
}
