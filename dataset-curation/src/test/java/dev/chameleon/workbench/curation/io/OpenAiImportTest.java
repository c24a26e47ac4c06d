package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.chameleon.workbench.curation.io.Fixtures.lines;
import static org.assertj.core.api.Assertions.assertThat;

/** OpenAI chat records: string content, typed parts, and every way an image URL can be written. */
@Tag("unit")
class OpenAiImportTest {

    @TempDir
    Path dir;

    @Test
    void stringContentBecomesTextMessagesWithDetectedCategories() throws Exception {
        Path file = Fixtures.fixture(dir, "openai_text.jsonl");
        ImageStore store = Fixtures.store(dir);

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(store), file);

        assertThat(c.problems).isEmpty();
        assertThat(c.examples).hasSize(3);
        Example first = c.examples.get(0);
        assertThat(first.messages()).extracting(m -> m.role()).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT);
        assertThat(first.messages().get(2).text()).isEqualTo("Paris.");
        assertThat(first.category()).isEqualTo(Category.TEXT);
        assertThat(first.source().file()).isEqualTo("openai_text.jsonl");
        assertThat(first.source().line()).isEqualTo(1);
        assertThat(first.metadata()).containsEntry("source_id", "q-1").containsEntry("lang", "en");
        assertThat(first.tags()).containsExactly("geo", "easy");
        assertThat(c.examples.get(1).category()).isEqualTo(Category.CODE);
        Example safety = c.examples.get(2);
        assertThat(safety.category()).isEqualTo(Category.SAFETY);
        assertThat(safety.harmCategory()).isEqualTo("privacy");
        assertThat(safety.source().line()).isEqualTo(3);
    }

    @Test
    void imagePartsResolveDataUrisFileUrisAndLocalPathsInOrder() throws Exception {
        byte[] red = Fixtures.png(Color.RED);
        byte[] green = Fixtures.png(Color.GREEN);
        byte[] blue = Fixtures.png(Color.BLUE);
        Fixtures.write(dir, "pics/green.png", green);
        Path bluePath = Fixtures.write(dir, "pics/blue.png", blue);
        String rec = "{\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + Fixtures.dataUri(red) + "\"}},"
                + "{\"type\":\"text\",\"text\":\"Which colours are these?\"},"
                + "{\"type\":\"image_url\",\"image_url\":\"pics/green.png\"},"
                + "{\"type\":\"image\",\"image\":\"" + bluePath.toUri() + "\"}]},"
                + "{\"role\":\"assistant\",\"content\":\"Red, green and blue.\"}]}";
        Path file = Fixtures.write(dir, "chat.jsonl", lines(rec));
        ImageStore store = Fixtures.store(dir);

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(store), file);

        assertThat(c.problems).isEmpty();
        Example e = c.examples.get(0);
        assertThat(e.category()).isEqualTo(Category.VISUAL_CHAT);
        List<Part> parts = e.messages().get(0).parts();
        assertThat(parts).hasSize(4);
        assertThat(parts.get(0)).isEqualTo(new Part.Image(ImageStore.sha256(red)));
        assertThat(parts.get(1)).isEqualTo(new Part.Text("Which colours are these?"));
        assertThat(parts.get(2)).isEqualTo(new Part.Image(ImageStore.sha256(green)));
        assertThat(parts.get(3)).isEqualTo(new Part.Image(ImageStore.sha256(blue)));
        assertThat(store.read(ImageStore.sha256(green))).isEqualTo(green);
    }

    @Test
    void imagesInTheAnswerMakeGenerationExamples() throws Exception {
        Fixtures.write(dir, "sun.png", Fixtures.png(Color.YELLOW));
        Path file = Fixtures.write(dir, "gen.jsonl", lines(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Draw a sun\"},"
                        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"sun.png\"}}]}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Draw a sun and explain\"},"
                        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Here:\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"sun.png\"}}]}]}"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.problems).isEmpty();
        assertThat(c.examples).extracting(Example::category)
                .containsExactly(Category.IMAGE_GENERATION, Category.INTERLEAVED_GENERATION);
    }

    @Test
    void remoteUrlsAreKeptByAddressInPlace() throws Exception {
        Path file = Fixtures.write(dir, "remote.jsonl", lines(
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                        + "\"image_url\":{\"url\":\"https://example.com/cat.png\"}},{\"type\":\"text\",\"text\":\"What?\"}]},"
                        + "{\"role\":\"assistant\",\"content\":\"A cat.\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello!\"}]}"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.problems).isEmpty();
        Example e = c.examples.get(0);
        assertThat(e.messages().get(0).parts()).containsExactly(new Part.RemoteImage("https://example.com/cat.png"),
                new Part.Text("What?"));
        assertThat(e.category()).isEqualTo(Category.VISUAL_CHAT);
        assertThat(e.hasRemoteImage()).isTrue();
    }

    @Test
    void unknownRolesAndPartTypesAndBrokenConversationsAreProblems() throws Exception {
        Path file = Fixtures.write(dir, "bad.jsonl", lines(
                "{\"messages\":[{\"role\":\"narrator\",\"content\":\"42\"},{\"role\":\"assistant\",\"content\":\"ok\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\",\"audio\":\"x.wav\"}]},"
                        + "{\"role\":\"assistant\",\"content\":\"ok\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Only a question\"}]}",
                "{\"messages\":[{\"role\":\"developer\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"},"
                        + "{\"role\":\"assistant\",\"content\":\"Hi.\"}]}"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.problems).extracting(ImportProblem::line).containsExactly(1L, 2L, 3L);
        assertThat(c.reasons().get(0)).contains("unknown role 'narrator'");
        assertThat(c.reasons().get(1)).contains("type 'audio'");
        assertThat(c.reasons().get(2)).contains("no assistant message");
        assertThat(c.examples).singleElement().satisfies(e ->
                assertThat(e.messages().get(0).role()).isEqualTo(Role.SYSTEM));
    }

    @Test
    void categoryOptionOverridesDetectionAndIsStillValidated() throws Exception {
        Path file = Fixtures.fixture(dir, "openai_text.jsonl");

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir),
                ImportOptions.defaults().withCategory(Category.CODE)), file);

        // The safety record carries a harm category, which only Safety examples may carry.
        assertThat(c.examples).extracting(Example::category).containsExactly(Category.CODE, Category.CODE);
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.reason()).contains("only Safety examples carry a harm category");
        });
        assertThat(Files.exists(file)).isTrue();
    }
}
