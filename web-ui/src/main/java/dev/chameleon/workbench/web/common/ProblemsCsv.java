package dev.chameleon.workbench.web.common;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.io.ImportProblem;

import java.io.IOException;
import java.util.List;

/**
 * The refused records of import jobs as CSV, {@code file,line,reason}, one row per problem: what the Import view
 * offers for download and what {@code workbench import --report FILE} writes. A field is quoted when it holds a
 * comma, quote or line break, and text a spreadsheet would run as a formula ({@code =}, {@code +}, {@code -},
 * {@code @}, tab, carriage return first) is defused with a leading apostrophe, since file names and reasons
 * come from the imported data.
 */
public final class ProblemsCsv {

    public static final String HEADER = "file,line,reason";

    private ProblemsCsv() {
    }

    /** Writes the header and every problem of the jobs, in job order. */
    public static void write(Curation curation, List<Long> jobIds, Appendable out) throws IOException {
        out.append(HEADER).append('\n');
        for (long job : jobIds) {
            for (ImportProblem p : curation.importProblems(job)) {
                out.append(field(p.file())).append(',').append(Long.toString(p.line())).append(',')
                        .append(field(p.reason())).append('\n');
            }
        }
    }

    /** One CSV field: quoted when needed, and defused when a spreadsheet would read it as a formula. */
    static String field(String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        if ("=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
