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
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.chameleon.workbench.curation.io.Fixtures.lines;
import static org.assertj.core.api.Assertions.assertThat;

/** Folders of images with captions: each caption asks for its image (Image Generation). */
@Tag("unit")
class CaptionFolderImportTest {

    @TempDir
    Path dir;

    private Path folder;
    private String red;
    private String blue;

    @BeforeEach
    void images() throws Exception {
        folder = dir.resolve("shapes");
        byte[] r = Fixtures.png(Color.RED);
        byte[] b = Fixtures.png(Color.BLUE);
        Fixtures.write(folder, "red.png", r);
        Fixtures.write(folder, "sub/blue.png", b);
        red = ImageStore.sha256(r);
        blue = ImageStore.sha256(b);
    }

    private static void assertGeneration(Example e, String caption, String key) {
        assertThat(e.category()).isEqualTo(Category.IMAGE_GENERATION);
        assertThat(e.messages()).hasSize(2);
        assertThat(e.messages().get(0).role()).isEqualTo(Role.USER);
        assertThat(e.messages().get(0).parts()).containsExactly(new Part.Text(caption));
        assertThat(e.messages().get(1).role()).isEqualTo(Role.ASSISTANT);
        assertThat(e.messages().get(1).parts()).containsExactly(new Part.Image(key));
    }

    @Test
    void tsvWithAHeader() throws Exception {
        Fixtures.write(folder, "captions.tsv", lines("file\tcaption", "red.png\tA red square", "",
                "sub/blue.png\tA blue square, small"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), folder);

        assertThat(c.problems).isEmpty();
        assertThat(c.examples).hasSize(2);
        assertGeneration(c.examples.get(0), "A red square", red);
        assertGeneration(c.examples.get(1), "A blue square, small", blue);
        assertThat(c.examples).extracting(e -> e.source().line()).containsExactly(1L, 2L);
        assertThat(c.examples.get(0).source().file()).isEqualTo("shapes");
        assertThat(SourceReader.detect(folder)).isEqualTo(Format.CAPTION_FOLDER);
    }

    @Test
    void csvWithQuotedCaptions() throws Exception {
        Fixtures.fixture(folder, "captions.csv");

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), folder);

        assertThat(c.examples).hasSize(2);
        assertGeneration(c.examples.get(0), "A red square, \"bold\"", red);
        assertGeneration(c.examples.get(1), "A blue square\non two lines", blue);
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.reason()).contains("green.png", "not found", "captions.csv line 5");
        });
    }

    @Test
    void csvWithoutAHeaderIsRefusedWithTheFix() throws Exception {
        Fixtures.write(folder, "captions.csv", lines("red.png,A red square"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), folder);

        assertThat(c.examples).isEmpty();
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isZero();
            assertThat(p.reason()).contains("header", "file,caption");
        });
    }

    @Test
    void jsonlCaptionsAcceptFileOrImageAndCaptionOrText() throws Exception {
        Fixtures.write(folder, "captions.jsonl", lines("{\"file\":\"red.png\",\"caption\":\"Red\"}",
                "{\"image\":\"sub/blue.png\",\"text\":\"Blue\"}", "{\"image\":\"red.png\"}"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), folder);

        assertThat(c.examples).hasSize(2);
        assertGeneration(c.examples.get(1), "Blue", blue);
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.reason()).contains("\"caption\"");
        });
    }

    @Test
    void sameNameTxtFilesInNameOrder() throws Exception {
        Fixtures.write(folder, "red.txt", "A red square\n");
        Fixtures.write(folder, "yellow.png", Fixtures.png(Color.YELLOW));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), folder);

        assertThat(c.examples).singleElement().satisfies(e -> assertGeneration(e, "A red square", red));
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.reason()).contains("yellow.png", "no caption", "yellow.txt");
        });
        assertThat(c.progress.get(c.progress.size() - 1)[0]).isEqualTo(c.progress.get(0)[1]);
    }

    @Test
    void captionPathsCannotLeaveTheFolder() throws Exception {
        Fixtures.write(dir, "secret.png", Fixtures.png(Color.BLACK));
        Fixtures.write(folder, "captions.tsv", lines("../secret.png\tA secret", "red.png\tRed"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), folder);

        assertThat(c.examples).hasSize(1);
        assertThat(c.problems).singleElement().satisfies(p ->
                assertThat(p.reason()).contains("'../secret.png' escapes the data folder"));
    }

    @Test
    void aFolderWithoutCaptionsIsRefused() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("nothing"));
        Fixtures.write(empty, "notes.md", "hello");

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), empty);

        assertThat(c.examples).isEmpty();
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isZero();
            assertThat(p.reason()).contains("captions.tsv", "supported formats");
        });
        assertThat(SourceReader.detect(empty)).isNull();
    }
}
