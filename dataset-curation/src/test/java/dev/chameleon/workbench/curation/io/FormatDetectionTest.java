package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static dev.chameleon.workbench.curation.io.Fixtures.lines;
import static org.assertj.core.api.Assertions.assertThat;

/** Detection from the first record's keys and the input's shape, and --format overriding it. */
@Tag("unit")
class FormatDetectionTest {

    @TempDir
    Path dir;

    @Test
    void eachFormatIsDetectedFromItsFirstRecord() throws Exception {
        assertThat(detect("{\"category\":\"text\",\"messages\":[]}")).isEqualTo(Format.WORKBENCH);
        assertThat(detect("{\"messages\":[]}")).isEqualTo(Format.OPENAI);
        assertThat(detect("{\"conversations\":[]}")).isEqualTo(Format.SHAREGPT);
        assertThat(detect("{\"images\":[\"a.png\"],\"conversations\":[]}")).isEqualTo(Format.SHAREGPT);
        assertThat(detect("{\"image\":\"a.png\",\"conversations\":[]}")).isEqualTo(Format.LLAVA);
        assertThat(detect("{\"image\":\"a.png\",\"instruction\":\"x\",\"output\":\"y\"}")).isEqualTo(Format.LLAVA);
        assertThat(detect("{\"instruction\":\"x\",\"input\":\"\",\"output\":\"y\"}")).isEqualTo(Format.ALPACA);
        assertThat(detect("{\"prompt\":\"x\",\"completion\":\"y\"}")).isEqualTo(Format.PROMPT_COMPLETION);
        assertThat(detect("{\"question\":\"x\",\"answer\":\"y\"}")).isEqualTo(Format.QUESTION_ANSWER);
        assertThat(detect("{\"query\":\"x\",\"reply\":\"y\"}")).isNull();
    }

    @Test
    void aBadFirstLineDoesNotHideTheFormat() throws Exception {
        Path file = Fixtures.write(dir, "d.jsonl", lines("{oops", "{\"prompt\":\"x\",\"completion\":\"y\"}"));

        assertThat(SourceReader.detect(file)).isEqualTo(Format.PROMPT_COMPLETION);
        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);
        assertThat(c.examples).hasSize(1);
        assertThat(c.problems).extracting(ImportProblem::line).containsExactly(1L);
    }

    @Test
    void arraysGzipAndEmptyFiles() throws Exception {
        Path array = Fixtures.write(dir, "a.json", "  [\n {\"messages\":[]} ]");
        Path gz = dir.resolve("a.jsonl.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write("{\"conversations\":[]}\n".getBytes(StandardCharsets.UTF_8));
        }
        Path empty = Fixtures.write(dir, "empty.jsonl", "\n\n");

        assertThat(SourceReader.detect(array)).isEqualTo(Format.OPENAI);
        assertThat(SourceReader.detect(gz)).isEqualTo(Format.SHAREGPT);
        assertThat(SourceReader.detect(empty)).isNull();
        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), empty);
        assertThat(c.reasons()).singleElement().asString().contains("no records");
    }

    @Test
    void formatOverrideReadsCanonicalRecordsAsOpenAiChat() throws Exception {
        // Canonical records carry a category; read as OpenAI chat, it is still the record's own explicit category.
        Path file = Fixtures.write(dir, "d.jsonl", lines(
                "{\"category\":\"code\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
                        + "{\"role\":\"assistant\",\"content\":\"Hello!\"}]}"));
        assertThat(SourceReader.detect(file)).isEqualTo(Format.WORKBENCH);

        ReadSummary detected = Fixtures.reader(Fixtures.store(dir)).read(file, new Fixtures.Collector());
        Fixtures.Collector c = new Fixtures.Collector();
        ReadSummary chosen = Fixtures.reader(Fixtures.store(dir),
                ImportOptions.defaults().withFormat(Format.parse("openai"))).read(file, c);

        assertThat(detected.format()).isEqualTo(Format.WORKBENCH);
        assertThat(chosen.format()).isEqualTo(Format.OPENAI);
        assertThat(c.examples).extracting(Example::category).containsExactly(Category.CODE);
    }

    @Test
    void aWrongFormatOverrideGivesProblemsThatSayItWasChosen() throws Exception {
        Path file = Fixtures.fixture(dir, "prompt_completion.jsonl");

        Fixtures.Collector c = new Fixtures.Collector();
        ReadSummary s = Fixtures.reader(Fixtures.store(dir),
                ImportOptions.defaults().withFormat(Format.parse("alpaca"))).read(file, c);

        assertThat(s).isEqualTo(new ReadSummary(Format.ALPACA, 2, 0, 2, false));
        assertThat(c.problems).allSatisfy(p ->
                assertThat(p.reason()).contains("no 'instruction'", "chosen with --format", "pick another --format"));
    }

    @Test
    void overrideRedetectsLlavaAsShareGpt() throws Exception {
        Fixtures.write(dir, "red.png", Fixtures.png(Color.RED));
        Path file = Fixtures.write(dir, "l.jsonl", lines("{\"image\":\"red.png\",\"conversations\":["
                + "{\"from\":\"human\",\"value\":\"<image>\\nColour?\"},{\"from\":\"gpt\",\"value\":\"Red.\"}]}"));

        Fixtures.Collector asLlava = new Fixtures.Collector();
        Fixtures.Collector asShareGpt = new Fixtures.Collector();
        ReadSummary a = Fixtures.reader(Fixtures.store(dir)).read(file, asLlava);
        ReadSummary b = Fixtures.reader(Fixtures.store(dir), ImportOptions.defaults().withFormat(Format.SHAREGPT))
                .read(file, asShareGpt);

        assertThat(a.format()).isEqualTo(Format.LLAVA);
        assertThat(b.format()).isEqualTo(Format.SHAREGPT);
        assertThat(asShareGpt.examples.get(0).messages()).isEqualTo(asLlava.examples.get(0).messages());
    }

    @Test
    void containerFormatsMustMatchTheInput() throws Exception {
        Path file = Fixtures.fixture(dir, "prompt_completion.jsonl");
        Path folder = Files.createDirectories(dir.resolve("pics"));
        Fixtures.write(folder, "captions.tsv", "a.png\tA\n");

        Fixtures.Collector onFile = Fixtures.read(Fixtures.reader(Fixtures.store(dir),
                ImportOptions.defaults().withFormat(Format.WEBDATASET)), file);
        Fixtures.Collector onFolder = Fixtures.read(Fixtures.reader(Fixtures.store(dir),
                ImportOptions.defaults().withFormat(Format.OPENAI)), folder);

        assertThat(onFile.reasons()).singleElement().asString().contains("--format webdataset reads a .tar shard");
        assertThat(onFolder.reasons()).singleElement().asString().contains("is a folder", "caption-folder");
    }

    private Format detect(String firstRecord) throws Exception {
        return SourceReader.detect(Fixtures.write(dir, "d.jsonl", lines(firstRecord)));
    }
}
