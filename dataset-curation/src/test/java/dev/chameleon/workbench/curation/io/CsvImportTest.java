package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Role;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static dev.chameleon.workbench.curation.io.Fixtures.lines;
import static org.assertj.core.api.Assertions.assertThat;

/** CSV and TSV with a header row: delimiters, quoting, BOM, formula-like cells, and the same key detection as JSON. */
@Tag("unit")
class CsvImportTest {

    @TempDir
    Path dir;

    @Test
    void csvWithBomAndMultiLineQuotedCellsReadsAsPromptResponse() throws Exception {
        Path file = Fixtures.fixture(dir, "qa.csv");

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);
        ReadSummary s = Fixtures.reader(Fixtures.store(dir)).read(file, new Fixtures.Collector());

        assertThat(s.format()).isEqualTo(Format.PROMPT_RESPONSE);
        assertThat(c.examples).hasSize(2);
        Example haiku = c.examples.get(1);
        assertThat(haiku.prompt()).isEqualTo("Write a haiku\nabout rain.");
        assertThat(haiku.messages().get(1).text()).isEqualTo("Soft rain on the roof,\n\"drip\" says the gutter,\nsleep comes.");
        assertThat(haiku.metadata()).containsEntry("source", "poetry");
        assertThat(haiku.source().line()).isEqualTo(3);
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(7);
            assertThat(p.reason()).contains("no 'response' (the answer", "--kind prompts");
        });
    }

    @Test
    void semicolonsAndTabsAreSniffedFromTheHeader() throws Exception {
        Fixtures.Collector semi = Fixtures.readFixture(dir, "qa_semicolon.csv", ImportOptions.defaults());
        Fixtures.Collector tsv = Fixtures.readFixture(dir, "prompts_safety.tsv",
                ImportOptions.defaults().withKind(DatasetKind.PROMPTS));

        assertThat(semi.problems).isEmpty();
        assertThat(semi.examples).extracting(e -> e.messages().get(1).text())
                .containsExactly("Paris", "Madrid; not Barcelona");
        assertThat(tsv.problems).isEmpty();
        assertThat(tsv.examples).hasSize(2);
        Example first = tsv.examples.get(0);
        assertThat(first.messages()).extracting(Message::role).containsExactly(Role.USER);
        assertThat(first.metadata()).containsEntry("label", "unsafe").containsEntry("harm", "weapons");
    }

    @Test
    void brokenQuotingIsOneRefusalNamingTheLine() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "broken_quote.csv", ImportOptions.defaults());

        assertThat(c.examples).hasSize(1);
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.reason()).contains("a quoted cell of the row at line 3 is never closed", "\"\"")
                    .doesNotContain("Exception");
        });
    }

    @Test
    void mixedDelimitersAreRefusedPerRowWithTheCounts() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "mixed_delimiters.csv", ImportOptions.defaults());

        assertThat(c.examples).hasSize(2);
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.reason()).contains("1 cell but the header has 2 columns (delimiter ',')");
        });
    }

    @Test
    void formulaLikeCellsAreKeptAsTextAndNoted() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "formula.csv", ImportOptions.defaults());

        assertThat(c.problems).isEmpty();
        assertThat(c.examples).hasSize(3);
        assertThat(c.examples.get(0).prompt()).isEqualTo("=HYPERLINK(\"http://evil.example\")");
        assertThat(c.examples.get(0).metadata()).containsEntry(CsvCursor.FORMULA_CELLS, "prompt");
        assertThat(c.examples.get(1).metadata()).doesNotContainKey(CsvCursor.FORMULA_CELLS);
        assertThat(c.examples.get(2).metadata()).containsEntry(CsvCursor.FORMULA_CELLS, "prompt,response");
        assertThat(CsvCursor.formulaLike("-3")).isFalse();
        assertThat(CsvCursor.formulaLike("+1.5e3")).isFalse();
        assertThat(CsvCursor.formulaLike("-cmd|' /C calc'!A0")).isTrue();
    }

    @Test
    void csvIsRecognisedByContentAndThroughGzip() throws Exception {
        Path noExtension = Fixtures.write(dir, "data.txt", lines("question,answer", "Hi?,Hello."));
        Path gz = dir.resolve("qa.csv.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write("prompt\tresponse\nHi?\tHello.\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        assertThat(SourceReader.detect(noExtension)).isEqualTo(Format.QUESTION_ANSWER);
        assertThat(SourceReader.detect(gz)).isEqualTo(Format.PROMPT_RESPONSE);
        assertThat(Fixtures.read(Fixtures.reader(Fixtures.store(dir)), gz).examples).singleElement()
                .satisfies(e -> assertThat(e.messages().get(1).text()).isEqualTo("Hello."));
    }

    @Test
    void anUnknownHeaderNamesItsColumnsAndTheFix() throws Exception {
        Path file = Fixtures.write(dir, "odd.csv", lines("foo,bar", "1,2"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isZero();
            assertThat(p.reason()).contains("the header row names the columns [foo, bar]", "--format", "--map");
        });
    }
}
