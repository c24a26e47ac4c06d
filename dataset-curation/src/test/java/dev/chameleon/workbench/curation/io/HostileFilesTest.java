package dev.chameleon.workbench.curation.io;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Files that cannot be imported are each one clear line: never a Java exception's text. */
@Tag("unit")
class HostileFilesTest {

    @TempDir
    Path dir;

    private ImportProblem only(Path input) throws Exception {
        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), input);
        assertThat(c.examples).isEmpty();
        assertThat(c.problems).hasSize(1);
        ImportProblem p = c.problems.get(0);
        assertThat(p.reason()).doesNotContain("Exception", "\n", "java.");
        return p;
    }

    @Test
    void anEmptyFile() throws Exception {
        assertThat(only(Fixtures.write(dir, "empty.jsonl", new byte[0])).reason()).isEqualTo("the file holds no records");
        assertThat(only(Fixtures.write(dir, "empty.csv", new byte[0])).reason()).isEqualTo("the file holds no records");
    }

    @Test
    void aFolderOfGarbage() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("junk"));
        Fixtures.write(folder, "a.bin", new byte[] {1, 2, 3});
        Fixtures.write(folder, "notes.md", "# nothing here");

        assertThat(only(folder).reason()).contains("holds no captions.tsv", "supported formats");
    }

    @Test
    void aTruncatedGzip() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            for (int i = 0; i < 2000; i++) {
                gz.write(("{\"prompt\":\"Q" + i + "?\",\"completion\":\"A" + i + ".\"}\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] all = bytes.toByteArray();
        Path cut = Fixtures.write(dir, "cut.jsonl.gz", Arrays.copyOf(all, all.length / 2));

        ImportProblem p = only(cut);

        assertThat(p.line()).isZero();
        assertThat(p.reason()).contains("truncated");
    }

    @Test
    void aHundredThousandDeepJsonDocument() throws Exception {
        Path deep = Fixtures.write(dir, "deep.json", "[".repeat(100_000) + "]".repeat(100_000));

        ImportProblem p = only(deep);

        assertThat(p.reason()).contains("nests deeper than 1000 levels", "stopped");
        assertThat(SourceReader.detect(deep)).isNull();
    }

    @Test
    void aDocumentOfDeepObjects() throws Exception {
        Path deep = Fixtures.write(dir, "deep2.json", "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000));

        assertThat(only(deep).reason()).contains("nests deeper than 1000 levels");
    }
}
