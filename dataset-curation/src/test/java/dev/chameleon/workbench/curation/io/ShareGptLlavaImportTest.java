package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Path;
import java.util.List;

import static dev.chameleon.workbench.curation.io.Fixtures.lines;
import static org.assertj.core.api.Assertions.assertThat;

/** ShareGPT conversations and LLaVA records: placeholders, image lists and where images land. */
@Tag("unit")
class ShareGptLlavaImportTest {

    @TempDir
    Path dir;

    private String red;
    private String blue;

    @BeforeEach
    void images() throws Exception {
        byte[] r = Fixtures.png(Color.RED);
        byte[] b = Fixtures.png(Color.BLUE);
        Fixtures.write(dir, "img/red.png", r);
        Fixtures.write(dir, "img/blue.png", b);
        red = ImageStore.sha256(r);
        blue = ImageStore.sha256(b);
    }

    @Test
    void textOnlyShareGptMapsFromValueRoles() throws Exception {
        Path file = Fixtures.fixture(dir, "sharegpt.json");

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.problems).isEmpty();
        assertThat(c.examples).hasSize(2);
        Example first = c.examples.get(0);
        assertThat(first.messages()).extracting(m -> m.role())
                .containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT);
        assertThat(first.messages().get(4).text()).isEqualTo("Four.");
        assertThat(first.category()).isEqualTo(Category.TEXT);
        // A JSON array: each record's line is where its object starts.
        assertThat(first.source().line()).isEqualTo(2);
        assertThat(c.examples.get(1).source().line()).isEqualTo(11);
    }

    @Test
    void placeholdersTakeImagesInOrder() throws Exception {
        Path file = Fixtures.write(dir, "sg.jsonl", lines(
                "{\"images\":[\"img/red.png\",\"img/blue.png\"],\"conversations\":["
                        + "{\"from\":\"human\",\"value\":\"Compare <image> with <image>.\"},"
                        + "{\"from\":\"gpt\",\"value\":\"The first is red, the second blue.\"}]}"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.problems).isEmpty();
        Example e = c.examples.get(0);
        assertThat(e.category()).isEqualTo(Category.VISUAL_CHAT);
        assertThat(e.messages().get(0).parts()).containsExactly(new Part.Text("Compare"), new Part.Image(red),
                new Part.Text("with"), new Part.Image(blue), new Part.Text("."));
    }

    @Test
    void placeholderCountMustMatchTheImages() throws Exception {
        Path file = Fixtures.write(dir, "sg.jsonl", lines(
                "{\"images\":[\"img/red.png\"],\"conversations\":[{\"from\":\"human\",\"value\":\"<image> vs <image>\"},"
                        + "{\"from\":\"gpt\",\"value\":\"Same.\"}]}",
                "{\"images\":[\"img/red.png\"],\"conversations\":[{\"from\":\"human\",\"value\":\"<image> colour?\"},"
                        + "{\"from\":\"gpt\",\"value\":\"Red.\"}]}"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.examples).hasSize(1);
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.reason()).contains("2 <image> placeholders but 1 image");
        });
    }

    @Test
    void imagesWithoutPlaceholdersOpenTheFirstUserTurn() throws Exception {
        Path file = Fixtures.write(dir, "sg.jsonl", lines(
                "{\"image\":\"img/blue.png\",\"conversations\":[{\"from\":\"system\",\"value\":\"Be terse.\"},"
                        + "{\"from\":\"human\",\"value\":\"Colour?\"},{\"from\":\"gpt\",\"value\":\"Blue.\"}]}"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir),
                ImportOptions.defaults().withFormat(Format.SHAREGPT)), file);

        assertThat(c.problems).isEmpty();
        Example e = c.examples.get(0);
        assertThat(e.messages().get(0).parts()).containsExactly(new Part.Text("Be terse."));
        assertThat(e.messages().get(1).parts()).containsExactly(new Part.Image(blue), new Part.Text("Colour?"));
    }

    @Test
    void llavaConversationsAndInstructionFormsBothRead() throws Exception {
        Path file = Fixtures.write(dir, "llava.json", """
                [
                  {"id": "000001", "image": "img/red.png",
                   "conversations": [{"from": "human", "value": "<image>\\nWhat colour is this?"},
                                     {"from": "gpt", "value": "Red."},
                                     {"from": "human", "value": "Sure?"},
                                     {"from": "gpt", "value": "Yes."}]},
                  {"id": "000002", "image": "img/blue.png", "instruction": "Describe the image.", "output": "A blue square."}
                ]
                """);

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(SourceReader.detect(file)).isEqualTo(Format.LLAVA);
        assertThat(c.problems).isEmpty();
        assertThat(c.examples).hasSize(2);
        Example conv = c.examples.get(0);
        assertThat(conv.messages()).hasSize(4);
        assertThat(conv.messages().get(0).parts()).containsExactly(new Part.Image(red), new Part.Text("What colour is this?"));
        assertThat(conv.metadata()).containsEntry("source_id", "000001");
        assertThat(conv.source().line()).isEqualTo(2);
        Example inst = c.examples.get(1);
        assertThat(inst.messages().get(0).parts()).containsExactly(new Part.Image(blue), new Part.Text("Describe the image."));
        assertThat(inst.messages().get(1).text()).isEqualTo("A blue square.");
        assertThat(inst.category()).isEqualTo(Category.VISUAL_CHAT);
        assertThat(inst.source().line()).isEqualTo(7);
    }

    @Test
    void recordsMissingTheFormatsFieldsAreRefusedNamingTheField() throws Exception {
        Path file = Fixtures.write(dir, "sg.jsonl", lines(
                "{\"conversations\":[{\"from\":\"human\",\"value\":\"Hi\"},{\"from\":\"gpt\",\"value\":\"Hello\"}]}",
                "{\"instruction\":\"Say hi\",\"output\":\"Hi\"}",
                "{\"conversations\":[{\"from\":\"narrator\",\"value\":\"Once\"},{\"from\":\"gpt\",\"value\":\"upon\"}]}"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.examples).hasSize(1);
        assertThat(c.problems).extracting(ImportProblem::line).containsExactly(2L, 3L);
        assertThat(c.reasons().get(0)).contains("no 'conversations'", "sharegpt", "detected from the first record");
        assertThat(c.reasons().get(1)).contains("unknown role 'narrator'");
    }

    @Test
    void missingImageNamesThePathAndTheFoldersSearched() throws Exception {
        Path extra = dir.resolve("more");
        java.nio.file.Files.createDirectories(extra);
        Path file = Fixtures.write(dir, "sg.jsonl", lines(
                "{\"image\":\"img/green.png\",\"conversations\":[{\"from\":\"human\",\"value\":\"<image>\"},"
                        + "{\"from\":\"gpt\",\"value\":\"Green.\"}]}"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir),
                ImportOptions.defaults().withImageDirs(List.of(extra))), file);

        assertThat(c.examples).isEmpty();
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.reason()).contains("img/green.png", "not found", dir.toRealPath().toString(),
                    extra.toRealPath().toString());
        });
    }

    @Test
    void imageDirsAreSearchedAfterTheDataFolder() throws Exception {
        Path extra = dir.resolve("elsewhere");
        byte[] g = Fixtures.png(Color.GREEN);
        Fixtures.write(extra, "green.png", g);
        Path data = dir.resolve("data");
        Path file = Fixtures.write(data, "sg.jsonl", lines(
                "{\"image\":\"green.png\",\"conversations\":[{\"from\":\"human\",\"value\":\"<image>\"},"
                        + "{\"from\":\"gpt\",\"value\":\"Green.\"}]}"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir),
                ImportOptions.defaults().withImageDirs(List.of(extra))), file);

        assertThat(c.problems).isEmpty();
        assertThat(c.examples.get(0).imageKeys()).containsExactly(ImageStore.sha256(g));
    }
}
