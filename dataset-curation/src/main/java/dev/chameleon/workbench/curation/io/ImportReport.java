package dev.chameleon.workbench.curation.io;

import java.util.List;

/**
 * What an import did.
 *
 * @param jobId      the import's id in the workspace history
 * @param problems   the refused records (the first {@link #MAX_LISTED}; {@code problemCount} has them all)
 */
public record ImportReport(long jobId, String dataset, String file, Format format, long records, long imported,
                           long duplicates, long problemCount, List<ImportProblem> problems, boolean cancelled,
                           double seconds) {

    public static final int MAX_LISTED = 10_000;

    public ImportReport {
        problems = List.copyOf(problems);
    }
}
