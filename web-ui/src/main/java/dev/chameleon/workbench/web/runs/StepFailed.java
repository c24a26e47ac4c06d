package dev.chameleon.workbench.web.runs;

import dev.chameleon.workbench.trainer.train.RunOutcome;

import java.io.IOException;
import java.util.Optional;

/** A child process of a run (a tokenizer trainer, the trainer) that exited with an error. */
final class StepFailed extends Exception {

    final String what;
    final int code;
    /** Whether the process records its outcome in the run folder (the trainer does; tokenizer trainers do not). */
    private final boolean recordsOutcome;

    StepFailed(String what, int code, boolean recordsOutcome) {
        super(what + " exited with code " + code);
        this.what = what;
        this.code = code;
        this.recordsOutcome = recordsOutcome;
    }

    /**
     * "The trainer exited with code 1: error: ..." or "... was killed (signal 9)", and where it stopped. The reason
     * is the trainer's recorded outcome; a process that died before recording one (killed, out of memory, a
     * tokenizer step) is explained by the last error line of its log.
     */
    String describe(Run run) {
        String last = recorded(run).orElseGet(() -> FailureReason.lastError(run.log()));
        String how = code > 128 ? what + " was killed (exit code " + code + ", signal " + (code - 128) + ")"
                : what + " exited with code " + code;
        return how + (last == null ? "" : ": " + last) + ". At step " + run.lastStep() + " of " + run.status.steps()
                + "; resume continues from the newest checkpoint.";
    }

    private Optional<String> recorded(Run run) {
        if (!recordsOutcome) {
            return Optional.empty();
        }
        try {
            return RunOutcome.read(run.dir).filter(o -> !o.isFinished() && o.reason() != null)
                    .map(o -> "error: " + o.reason());
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // an unreadable outcome: fall back to the log
        }
    }
}
