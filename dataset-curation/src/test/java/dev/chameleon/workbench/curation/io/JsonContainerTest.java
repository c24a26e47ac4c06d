package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.model.Example;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static dev.chameleon.workbench.curation.io.Fixtures.lines;
import static org.assertj.core.api.Assertions.assertThat;

/** The containers around records: JSONL, JSON arrays, pretty-printed objects, gzip; line numbers and progress. */
@Tag("unit")
class JsonContainerTest {

    @TempDir
    Path dir;

    private static String pc(int i) {
        return "{\"prompt\":\"Question " + i + "?\",\"completion\":\"Answer " + i + ".\"}";
    }

    @Test
    void aBadJsonlLineIsOneProblemAndTheRestStillComeThrough() throws Exception {
        Path file = Fixtures.fixture(dir, "broken.jsonl");

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.examples).extracting(e -> e.source().line()).containsExactly(1L, 2L, 5L, 6L);
        assertThat(c.problems).extracting(ImportProblem::line).containsExactly(3L, 4L);
        assertThat(c.problems.get(0).reason()).startsWith("line 3 is not valid JSON");
        assertThat(c.problems.get(0).file()).isEqualTo("broken.jsonl");
        assertThat(c.problems.get(1).reason()).contains("line 4 is not a JSON object");
    }

    @Test
    void blankLinesCrlfAndAByteOrderMarkAreTolerated() throws Exception {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
        byte[] body = (pc(1) + "\r\n\r\n   \n" + pc(2) + "\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, all, 0, 3);
        System.arraycopy(body, 0, all, 3, body.length);
        Path file = Fixtures.write(dir, "crlf.jsonl", all);

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.problems).isEmpty();
        assertThat(c.examples).extracting(e -> e.source().line()).containsExactly(1L, 4L);
        assertThat(c.examples.get(1).messages().get(1).text()).isEqualTo("Answer 2.");
    }

    @Test
    void trailingGarbageOnALineIsAProblem() throws Exception {
        Path file = Fixtures.write(dir, "t.jsonl", lines(pc(1) + " {\"x\":1}", pc(2)));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.examples).hasSize(1);
        assertThat(c.problems).singleElement().satisfies(p -> assertThat(p.line()).isEqualTo(1));
    }

    @Test
    void aMalformedArrayStopsTheFileAtTheLineOfTheError() throws Exception {
        Path file = Fixtures.write(dir, "bad.json", "[\n" + pc(1) + ",\n" + pc(2) + ",\n{\"prompt\": oops},\n"
                + pc(4) + "\n]\n");

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.examples).extracting(e -> e.source().line()).containsExactly(2L, 3L);
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.reason()).contains("malformed JSON at line 4", "reading of this file stopped");
        });
    }

    @Test
    void arrayElementsThatAreNotObjectsAreProblemsAndReadingGoesOn() throws Exception {
        Path file = Fixtures.write(dir, "mixed.json", "[" + pc(1) + ",\n42,\n[1,2],\n" + pc(2) + "]");

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.examples).hasSize(2);
        assertThat(c.problems).extracting(ImportProblem::line).containsExactly(2L, 3L);
        assertThat(c.reasons().get(0)).contains("a number");
    }

    @Test
    void prettyPrintedObjectsOneAfterAnotherAreRead() throws Exception {
        Path file = Fixtures.write(dir, "pretty.json", """
                {
                  "prompt": "A?",
                  "completion": "B."
                }
                {
                  "prompt": "C?",
                  "completion": "D."
                }
                """);

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.problems).isEmpty();
        assertThat(c.examples).extracting(e -> e.source().line()).containsExactly(1L, 5L);
    }

    @Test
    void gzipIsDetectedByItsMagicBytesForJsonlAndArrays() throws Exception {
        Path jsonl = dir.resolve("data.jsonl.gz");
        Path array = dir.resolve("data.bin"); // no telling name: only the magic bytes say gzip
        try (Writer w = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(jsonl)), StandardCharsets.UTF_8)) {
            for (int i = 1; i <= 50; i++) {
                w.write(pc(i) + "\n");
            }
        }
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(array))) {
            o.write(("[" + pc(1) + ",\n" + pc(2) + "]").getBytes(StandardCharsets.UTF_8));
        }

        Fixtures.Collector a = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), jsonl);
        Fixtures.Collector b = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), array);

        assertThat(a.problems).isEmpty();
        assertThat(a.examples).hasSize(50);
        assertThat(a.examples.get(49).source().line()).isEqualTo(50);
        assertThat(b.problems).isEmpty();
        assertThat(b.examples).extracting(e -> e.source().line()).containsExactly(1L, 2L);
        assertThat(SourceReader.detect(array)).isEqualTo(Format.PROMPT_COMPLETION);
    }

    @Test
    void progressIsReportedInRawBytesAndEndsAtTheFileSize() throws Exception {
        Path file = dir.resolve("big.jsonl");
        try (Writer w = Files.newBufferedWriter(file)) {
            for (int i = 0; i < 5000; i++) {
                w.write(pc(i) + "\n");
            }
        }
        long size = Files.size(file);

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.examples).hasSize(5000);
        assertThat(c.progress.size()).isBetween(5, 7);
        assertThat(c.progress).allSatisfy(p -> assertThat(p[1]).isEqualTo(size));
        assertThat(c.progress.get(c.progress.size() - 1)[0]).isEqualTo(size);
        for (int i = 1; i < c.progress.size(); i++) {
            assertThat(c.progress.get(i)[0]).isGreaterThanOrEqualTo(c.progress.get(i - 1)[0]);
        }
    }

    @Test
    void cancellingStopsBetweenRecordsAndSaysSo() throws Exception {
        Path file = dir.resolve("many.jsonl");
        try (Writer w = Files.newBufferedWriter(file)) {
            for (int i = 0; i < 1000; i++) {
                w.write(pc(i) + "\n");
            }
        }
        Fixtures.Collector c = new Fixtures.Collector();
        c.cancelAfter = 10;

        ReadSummary s = Fixtures.reader(Fixtures.store(dir)).read(file, c);

        assertThat(s.cancelled()).isTrue();
        assertThat(s.examples()).isEqualTo(10);
        assertThat(c.examples).hasSize(10);
    }

    @Test
    void theSummaryCountsRecordsExamplesAndProblems() throws Exception {
        Path file = Fixtures.fixture(dir, "broken.jsonl");

        ReadSummary s = Fixtures.reader(Fixtures.store(dir)).read(file, new Fixtures.Collector());

        assertThat(s).isEqualTo(new ReadSummary(Format.PROMPT_COMPLETION, 6, 4, 2, false));
    }

    @Test
    void textRecordsStreamFast() throws Exception {
        Path file = dir.resolve("speed.jsonl");
        int n = 100_000;
        try (Writer w = Files.newBufferedWriter(file)) {
            for (int i = 0; i < n; i++) {
                w.write("{\"id\":" + i + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me something about "
                        + "the number " + i + ", please, in one or two sentences.\"},{\"role\":\"assistant\","
                        + "\"content\":\"The number " + i + " is a natural number; it follows " + (i - 1)
                        + " and comes before " + (i + 1) + ".\"}]}\n");
            }
        }
        SourceReader reader = Fixtures.reader(Fixtures.store(dir));
        long[] count = {0};
        ImportListener counting = new ImportListener() {
            @Override
            public void example(Example example) {
                count[0]++;
            }

            @Override
            public void problem(ImportProblem problem) {
                throw new AssertionError(problem.toString());
            }
        };
        reader.read(file, counting); // warm up
        long t0 = System.nanoTime();
        reader.read(file, counting);
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertThat(count[0]).isEqualTo(2L * n);
        // The target is 20,000 records/s on 2 cores; a tenth of it here keeps a slow CI machine green.
        assertThat(n / seconds).isGreaterThan(2_000);
    }
}
