package dev.chameleon.workbench.trainer.cli;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one line a command prints for a failure ({@code error: LINE}), shared by every command line of the project.
 *
 * <ul>
 *   <li>wrappers are unwrapped: a Spring error, an exception without a message, or one whose message is only its
 *       cause's {@code toString()} (as {@code new RuntimeException(cause)} makes) stands for its cause;</li>
 *   <li>our own messages are printed as they are: the project's exceptions ({@code dev.chameleon...}) and the
 *       argument, state and plain I/O exceptions the code throws with a message a user can act on;</li>
 *   <li>an {@link UncheckedIOException} with its own message adds its cause's line when the message lacks it;</li>
 *   <li>any other exception's message gets its type in parentheses, never a raw {@code java.x.Y: ...} text.</li>
 * </ul>
 */
public final class ErrorMessages {

    private ErrorMessages() {
    }

    /** One line for {@code ex}, without the "error: " prefix. */
    public static String of(Throwable ex) {
        Throwable t = unwrap(ex);
        String msg = t.getMessage();
        if (msg == null || msg.isBlank()) {
            return t.getClass().getSimpleName();
        }
        if (t instanceof UncheckedIOException && t.getCause() != null) {
            String cause = of(t.getCause());
            return msg.contains(cause) ? firstLine(msg) : firstLine(msg) + " (" + cause + ")";
        }
        boolean ours = t.getClass().getName().startsWith("dev.chameleon.")
                || t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof UnsupportedOperationException || t.getClass() == IOException.class;
        return firstLine(ours ? msg : msg + " (" + t.getClass().getSimpleName() + ")");
    }

    private static Throwable unwrap(Throwable ex) {
        Throwable t = ex;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t.getMessage().isBlank()
                || t.getMessage().equals(t.getCause().toString())
                || t.getClass().getName().startsWith("org.springframework."))) {
            t = t.getCause();
        }
        return t;
    }

    /** The first line of {@code s}, stripped. */
    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
