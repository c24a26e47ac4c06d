package dev.chameleon.workbench.curation.io;

/** Watches an import: progress through the input, and a way to cancel it. */
public interface ImportProgress {

    /**
     * @param bytesDone  input bytes consumed so far
     * @param bytesTotal input size, or -1 when unknown
     * @param imported   examples stored so far
     * @param problems   records refused so far
     */
    void update(long bytesDone, long bytesTotal, long imported, long problems);

    /** Polled between batches; true stops the import, keeping what was stored. */
    default boolean cancelled() {
        return false;
    }

    ImportProgress NONE = (a, b, c, d) -> { };
}
