package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Role;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.chameleon.workbench.curation.io.Fixtures.lines;
import static org.assertj.core.api.Assertions.assertThat;

/** Alpaca instruction records and prompt/completion pairs. */
@Tag("unit")
class AlpacaPromptCompletionImportTest {

    @TempDir
    Path dir;

    @Test
    void alpacaJoinsInstructionAndInputAndKeepsTheSystemPrompt() throws Exception {
        Path file = Fixtures.fixture(dir, "alpaca.json");

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.problems).isEmpty();
        assertThat(c.examples).hasSize(3);
        Example withInput = c.examples.get(0);
        assertThat(withInput.messages()).extracting(m -> m.role()).containsExactly(Role.USER, Role.ASSISTANT);
        assertThat(withInput.messages().get(0).text()).isEqualTo("Translate to French.\n\nGood morning");
        assertThat(withInput.messages().get(1).text()).isEqualTo("Bonjour");
        assertThat(withInput.category()).isEqualTo(Category.TEXT);
        Example withSystem = c.examples.get(1);
        assertThat(withSystem.messages()).extracting(m -> m.role()).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT);
        assertThat(withSystem.messages().get(1).text()).isEqualTo("Write a SQL query listing all users.");
        assertThat(withSystem.category()).isEqualTo(Category.CODE);
        Example safety = c.examples.get(2);
        assertThat(safety.category()).isEqualTo(Category.SAFETY);
        assertThat(safety.harmCategory()).isEqualTo("weapons");
        assertThat(c.examples).extracting(e -> e.source().line()).containsExactly(2L, 3L, 5L);
    }

    @Test
    void alpacaNeedsAnOutput() throws Exception {
        Path file = Fixtures.write(dir, "a.jsonl", lines(
                "{\"instruction\":\"Say hi\",\"input\":\"\",\"output\":\"Hi!\"}",
                "{\"instruction\":\"Say bye\",\"input\":\"\"}",
                "{\"instruction\":\"Say nothing\",\"output\":\"\"}"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.examples).hasSize(1);
        assertThat(c.examples.get(0).messages().get(0).text()).isEqualTo("Say hi");
        assertThat(c.problems).extracting(ImportProblem::line).containsExactly(2L, 3L);
        assertThat(c.reasons().get(0)).contains("no 'output'", "alpaca");
        assertThat(c.reasons().get(1)).contains("message 2 (assistant) is empty");
    }

    @Test
    void promptCompletionPairs() throws Exception {
        Path file = Fixtures.fixture(dir, "prompt_completion.jsonl");

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.problems).isEmpty();
        assertThat(c.examples).hasSize(2);
        Example e = c.examples.get(0);
        assertThat(e.prompt()).isEqualTo("The sky is");
        assertThat(e.messages().get(1).text()).isEqualTo(" blue.");
        assertThat(e.metadata()).containsEntry("source_id", "7").containsEntry("score", "0.9");
        assertThat(e.tags()).containsExactly("weather");
        assertThat(c.examples.get(1).source().line()).isEqualTo(2);
    }
}
