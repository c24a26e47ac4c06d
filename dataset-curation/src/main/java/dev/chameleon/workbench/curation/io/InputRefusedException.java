package dev.chameleon.workbench.curation.io;

import java.io.IOException;

/**
 * The rest of an input cannot be read (a decompression bomb, a corrupt gzip or tar stream): the reader stops
 * the file and reports the message as a whole-file problem.
 */
final class InputRefusedException extends IOException {

    private static final long serialVersionUID = 1L;

    InputRefusedException(String message) {
        super(message);
    }

    InputRefusedException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The refusal somewhere in a cause chain (parsers may wrap what the stream below them threw), or null. */
    static InputRefusedException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InputRefusedException r) {
                return r;
            }
        }
        return null;
    }
}
