package dev.chameleon.workbench.trainer.handoff;

/** An export stopped because its caller asked it to; nothing of it is left on disk. */
public final class ExportCancelledException extends RuntimeException {

    ExportCancelledException(String message) {
        super(message);
    }
}
