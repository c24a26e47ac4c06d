package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.model.DatasetKind;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Imports every fixture under src/test/resources/fixtures and prints one Markdown table row each: the format
 * detected, records, imported, refused, and the first refusal. Fixtures named {@code prompts_*} are read as
 * prompt sets ({@code --kind prompts}), the rest as SFT; the pictures they name are written first.
 *
 * <p>Run: {@code mvn -B -o -q -pl dataset-curation test -Dtest=ImportFixtureTable -Dsurefire.failIfNoSpecifiedTests=false}
 * (the table goes to stdout; surefire also keeps it in {@code target/surefire-reports/*ImportFixtureTable-output.txt}).
 */
@Tag("unit")
class ImportFixtureTable {

    @TempDir
    Path dir;

    @Test
    void printsOneRowPerFixture() throws Exception {
        URL root = ImportFixtureTable.class.getResource("/fixtures");
        assertThat(root).isNotNull();
        List<String> names;
        try (Stream<Path> files = Files.list(Path.of(root.toURI()))) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        Fixtures.fixtureImages(dir);
        List<String> rows = new ArrayList<>();
        rows.add("| fixture | kind | format | records | imported | refused | first refusal |");
        rows.add("|---|---|---|---|---|---|---|");
        for (String name : names) {
            DatasetKind kind = name.startsWith("prompts_") ? DatasetKind.PROMPTS : DatasetKind.SFT;
            Fixtures.Collector c = new Fixtures.Collector();
            ReadSummary s = Fixtures.reader(Fixtures.store(dir), ImportOptions.defaults().withKind(kind))
                    .read(Fixtures.fixture(dir, name), c);
            assertThat(s.examples()).as(name).isEqualTo(c.examples.size());
            assertThat(s.problems()).as(name).isEqualTo(c.problems.size());
            String first = c.problems.isEmpty() ? "" : c.problems.get(0).toString();
            rows.add("| " + name + " | " + kind.wireName() + " | " + (s.format() == null ? "-" : s.format().wireName())
                    + " | " + s.records() + " | " + s.examples() + " | " + s.problems() + " | "
                    + shorten(first).replace("|", "\\|") + " |");
        }
        System.out.println(String.join("\n", rows));
        assertThat(rows).hasSize(names.size() + 2);
    }

    private static String shorten(String s) {
        return s.length() <= 160 ? s : s.substring(0, 157) + "...";
    }
}
