package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ExampleJson;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.curation.model.Source;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.chameleon.workbench.curation.io.Fixtures.lines;
import static org.assertj.core.api.Assertions.assertThat;

/** The canonical JSONL that export writes reads back into the same examples. */
@Tag("unit")
class WorkbenchImportTest {

    @TempDir
    Path dir;

    private static Example visualChat(String sha) {
        return new Example(0, List.of(
                Message.of(Role.USER, new Part.Image(sha), new Part.Text("What shape is this?")),
                Message.text(Role.ASSISTANT, "A square.")),
                Category.VISUAL_CHAT, new Source("chat.jsonl", 12), Set.of("demo"), ReviewStatus.ACCEPTED, null,
                Map.of("k", "v"));
    }

    @Test
    void exportedRecordsRoundTripWithImagesFromTheirPaths() throws Exception {
        byte[] png = Fixtures.png(Color.MAGENTA);
        String sha = ImageStore.sha256(png);
        Fixtures.write(dir, "export/images/" + sha + ".png", png);
        Example original = visualChat(sha);
        Example safety = new Example(0, List.of(Message.text(Role.USER, "Where does my ex live now?"),
                Message.text(Role.ASSISTANT, "I can't help find someone's address.")), Category.SAFETY,
                new Source("s.jsonl", 3), Set.of(), ReviewStatus.PENDING, "privacy", Map.of());
        Path file = Fixtures.write(dir, "export/data.jsonl", lines(
                ExampleJson.toJson(original, k -> "images/" + k + ".png"),
                ExampleJson.toJson(safety, null)));
        ImageStore store = Fixtures.store(dir);
        assertThat(store.contains(sha)).isFalse();

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(store), file);

        assertThat(c.problems).isEmpty();
        assertThat(c.examples).hasSize(2);
        Example back = c.examples.get(0);
        assertThat(back.messages()).isEqualTo(original.messages());
        assertThat(back.category()).isEqualTo(Category.VISUAL_CHAT);
        assertThat(back.status()).isEqualTo(ReviewStatus.ACCEPTED);
        assertThat(back.tags()).containsExactly("demo");
        // The export's provenance survives: the example still says where it was first imported from.
        assertThat(back).isEqualTo(original);
        assertThat(back.source()).isEqualTo(new Source("chat.jsonl", 12));
        assertThat(store.contains(sha)).isTrue();
        Example s = c.examples.get(1);
        assertThat(s.category()).isEqualTo(Category.SAFETY);
        assertThat(s.harmCategory()).isEqualTo("privacy");
        assertThat(SourceReader.detect(file)).isEqualTo(Format.WORKBENCH);
    }

    @Test
    void imagesAlreadyInTheStoreNeedNoPath() throws Exception {
        byte[] png = Fixtures.png(Color.ORANGE);
        ImageStore store = Fixtures.store(dir);
        String sha = store.put(png).sha256();
        Path file = Fixtures.write(dir, "data.jsonl", lines(ExampleJson.toJson(visualChat(sha), null)));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(store), file);

        assertThat(c.problems).isEmpty();
        assertThat(c.examples.get(0).imageKeys()).containsExactly(sha);
    }

    @Test
    void unknownImagesWrongHashesAndBadCategoriesAreProblems() throws Exception {
        byte[] png = Fixtures.png(Color.PINK);
        byte[] other = Fixtures.png(Color.CYAN);
        String sha = ImageStore.sha256(png);
        Fixtures.write(dir, "images/wrong.png", other);
        String noPath = ExampleJson.toJson(visualChat(sha), null);
        String wrongFile = ExampleJson.toJson(visualChat(sha), k -> "images/wrong.png");
        String badCategory = "{\"category\":\"poetry\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"Hi\"}]},{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}]}]}";
        Path file = Fixtures.write(dir, "data.jsonl", lines(noPath, wrongFile, badCategory));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.examples).isEmpty();
        // Problems point into the file being imported, not at the records' recorded provenance.
        assertThat(c.problems).extracting(ImportProblem::file).containsOnly("data.jsonl");
        assertThat(c.problems).extracting(ImportProblem::line).containsExactly(1L, 2L, 3L);
        assertThat(c.reasons().get(0)).contains(sha, "not in the image store", "no 'path'");
        assertThat(c.reasons().get(1)).contains("images/wrong.png", "not the " + sha);
        assertThat(c.reasons().get(2)).contains("unknown category 'poetry'");
    }

    @Test
    void aGivenCategoryReplacesTheRecordsCategoryAndIsChecked() throws Exception {
        byte[] png = Fixtures.png(Color.GRAY);
        ImageStore store = Fixtures.store(dir);
        String sha = store.put(png).sha256();
        Path file = Fixtures.write(dir, "data.jsonl", lines(ExampleJson.toJson(visualChat(sha), null)));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(store,
                ImportOptions.defaults().withCategory(Category.TEXT)), file);

        assertThat(c.examples).isEmpty();
        assertThat(c.reasons()).singleElement().asString().contains("must not contain images");
    }
}
