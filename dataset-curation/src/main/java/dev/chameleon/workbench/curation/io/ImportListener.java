package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.model.Example;

/** Receives what a {@link SourceReader} reads, in file order. */
public interface ImportListener {

    /** A good example, its images already in the image store. */
    void example(Example example);

    /** A record that was refused; reading goes on. */
    void problem(ImportProblem problem);

    /** Progress through the input, in input bytes (compressed bytes for gzip); total is -1 when unknown. */
    default void progress(long done, long total) {
    }

    /** Polled between records: true stops reading early (the examples so far are kept). */
    default boolean cancelled() {
        return false;
    }
}
