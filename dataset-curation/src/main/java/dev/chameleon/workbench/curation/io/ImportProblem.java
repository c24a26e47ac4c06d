package dev.chameleon.workbench.curation.io;

/**
 * A record (or a whole file) that could not be imported.
 *
 * @param file   the file's name as given
 * @param line   1-based line where the record starts (JSON/JSONL), record index for archives and folders,
 *               or 0 when the whole file is refused
 * @param reason what is wrong and how to fix it
 */
public record ImportProblem(String file, long line, String reason) {
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + reason;
    }
}
