package dev.chameleon.workbench.web.runs;

/** A child process of a run (a tokenizer trainer, the trainer) that exited with an error. */
final class StepFailed extends Exception {

    final String what;
    final int code;

    StepFailed(String what, int code) {
        super(what + " exited with code " + code);
        this.what = what;
        this.code = code;
    }

    /** "The trainer exited with code 1: error: ..." or "... was killed (signal 9)", and where it stopped. */
    String describe(Run run) {
        String last = FailureReason.lastError(run.log());
        String how = code > 128 ? what + " was killed (exit code " + code + ", signal " + (code - 128) + ")"
                : what + " exited with code " + code;
        return how + (last == null ? "" : ": " + last) + ". At step " + run.lastStep() + " of " + run.status.steps()
                + "; resume continues from the newest checkpoint.";
    }
}
