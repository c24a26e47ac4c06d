package dev.chameleon.workbench.curation.store;

import java.time.Instant;

/**
 * An import in the workspace history.
 *
 * @param state RUNNING, DONE, FAILED, CANCELLED, or INTERRUPTED (its process died; counts are what was stored)
 */
public record ImportJob(long id, String dataset, String file, String format, String state, long records,
                        long imported, long duplicates, long problems, Instant startedAt, Instant finishedAt) {
}
