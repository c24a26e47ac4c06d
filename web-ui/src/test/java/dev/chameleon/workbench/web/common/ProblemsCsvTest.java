package dev.chameleon.workbench.web.common;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.io.ImportReport;
import dev.chameleon.workbench.web.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The one problems CSV the Import view and {@code workbench import --report} both write. */
@Tag("unit")
class ProblemsCsvTest {

    @TempDir
    Path tmp;

    @Test
    void csvFieldsWithCommasOrQuotesAreQuoted() {
        assertThat(ProblemsCsv.field("plain")).isEqualTo("plain");
        assertThat(ProblemsCsv.field("a, b")).isEqualTo("\"a, b\"");
        assertThat(ProblemsCsv.field("say \"x\"")).isEqualTo("\"say \"\"x\"\"\"");
        assertThat(ProblemsCsv.field("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(ProblemsCsv.field(null)).isEmpty();
    }

    @Test
    void cellsASpreadsheetWouldRunAsAFormulaAreDefused() {
        assertThat(ProblemsCsv.field("=1+1")).isEqualTo("'=1+1");
        assertThat(ProblemsCsv.field("+cmd")).isEqualTo("'+cmd");
        assertThat(ProblemsCsv.field("-2")).isEqualTo("'-2");
        assertThat(ProblemsCsv.field("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(ProblemsCsv.field("a=b")).isEqualTo("a=b");
    }

    @Test
    void writesAHeaderAndOneRowPerProblemWithFormulaFileNamesDefused() throws Exception {
        Path file = tmp.resolve("=cmd.jsonl");
        Files.writeString(file, TestData.jsonl());
        try (Curation curation = Curation.open(tmp.resolve("ws"))) {
            ImportReport report = curation.importFile("d", file, ImportOptions.defaults(), ImportProgress.NONE);
            StringBuilder out = new StringBuilder();
            ProblemsCsv.write(curation, List.of(report.jobId()), out);
            List<String> lines = out.toString().lines().toList();
            assertThat(lines.get(0)).isEqualTo("file,line,reason");
            assertThat(lines).hasSize(1 + TestData.BROKEN);
            assertThat(lines.subList(1, lines.size())).isNotEmpty().allMatch(l -> l.startsWith("'=cmd.jsonl,"));
        }
    }
}
