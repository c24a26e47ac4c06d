package dev.chameleon.workbench.curation.store;

/** The workspace is open in another process. */
public final class WorkspaceLockedException extends RuntimeException {
    public WorkspaceLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
