package dev.chameleon.workbench.web.runs;

import java.nio.file.Path;

/**
 * Why a child process failed, as its output in log.txt says: the last line that reads like an error
 * ({@code error: ...}, an uncaught exception, an OutOfMemoryError). This is the one place that reads the log for
 * meaning; everything else about a run comes from its state.json and metrics.jsonl.
 */
final class FailureReason {

    /** Lines from the end of the log that are searched. */
    private static final int LINES = 200;

    private FailureReason() {
    }

    /** The last error line of the log's last lines, or null when none reads like one. */
    static String lastError(Path log) {
        String last = null;
        for (String line : RunFolder.tail(log, LINES)) {
            if (line.startsWith("error: ") || line.startsWith("Exception in thread")
                    || line.contains("OutOfMemoryError")) {
                last = line;
            }
        }
        return last;
    }
}
