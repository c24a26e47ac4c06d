package dev.chameleon.workbench.curation;

import dev.chameleon.workbench.curation.io.ImportReport;

import java.nio.file.Path;

/**
 * One file of a multi-file import: its report, or why it failed (one line; the other files were imported
 * all the same).
 *
 * @param report the report, or null when the file failed
 * @param error  the failure's message, or null when the file was imported
 */
public record FileImport(Path file, ImportReport report, String error) {

    static FileImport done(Path file, ImportReport report) {
        return new FileImport(file, report, null);
    }

    static FileImport failed(Path file, Exception e) {
        Throwable t = e instanceof java.io.UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        String msg = t.getMessage();
        if (t instanceof java.nio.file.NoSuchFileException) {
            msg = "no such file: " + file.toAbsolutePath() + "; check the path";
        } else if (t instanceof java.nio.file.AccessDeniedException) {
            msg = "cannot read " + file.toAbsolutePath() + ": permission denied";
        } else if (msg == null || msg.isBlank()) {
            msg = "import of " + file + " failed (" + t.getClass().getSimpleName() + ")";
        }
        int nl = msg.indexOf('\n');
        return new FileImport(file, null, (nl < 0 ? msg : msg.substring(0, nl)).strip());
    }

    public boolean failed() {
        return error != null;
    }
}
