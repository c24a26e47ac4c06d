package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Part;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An image that cannot be fetched never costs the record: the prompt imports with the image kept by address and
 * the reason in its review note. (Loopback addresses are refused by the fetcher's default rules, which makes a
 * failing fetch without any server.)
 */
@Tag("unit")
class FetchFailureNoteTest {

    @TempDir
    Path dir;

    @Test
    void aFailedFetchKeepsThePromptTheAddressAndSaysWhy() throws Exception {
        Path file = Fixtures.write(dir, "prompts.jsonl", Fixtures.lines(
                "{\"id\":\"p1\",\"prompt\":\"What is in <img> here?\",\"task_type\":\"describe\","
                        + "\"image_urls\":[\"http://127.0.0.1:9/cat.png\"]}",
                "{\"id\":\"p2\",\"prompt\":\"Tell me a story.\",\"task_type\":\"story\",\"image_urls\":[]}"));
        ImportOptions options = ImportOptions.defaults().withKind(DatasetKind.PROMPTS).withFetchImages(true);

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir), options), file);

        assertThat(c.problems).isEmpty();
        assertThat(c.examples).hasSize(2);
        Example first = c.examples.get(0);
        assertThat(first.messages().get(0).parts()).anySatisfy(p ->
                assertThat(p).isEqualTo(new Part.RemoteImage("http://127.0.0.1:9/cat.png")));
        assertThat(first.metadata().get(RecordConverter.REVIEW_NOTE)).contains("http://127.0.0.1:9/cat.png");
        // The second record fetched nothing, so it carries no note from the first.
        assertThat(c.examples.get(1).metadata()).doesNotContainKey(RecordConverter.REVIEW_NOTE);
    }
}
