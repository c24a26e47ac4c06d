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

    /**
     * True when the input was refused as a whole (a format nothing matched, an unsupported or oversized file):
     * nothing imported and every problem is a line-0 problem, so its reason is the whole story, told in one line.
     */
    public boolean refusedWhole() {
        return imported == 0 && duplicates == 0 && !problems.isEmpty() && problems.stream().allMatch(p -> p.line() == 0);
    }
}
