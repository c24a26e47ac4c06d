package dev.chameleon.workbench.curation.model;

/**
 * Where an example came from.
 *
 * @param file the imported file's name (or a generator's name)
 * @param line the 1-based line for JSONL and JSON arrays (where the record starts), or record index for archives
 */
public record Source(String file, long line) {
    public Source {
        file = file == null ? "" : file;
    }

    @Override
    public String toString() {
        return file + ":" + line;
    }
}
