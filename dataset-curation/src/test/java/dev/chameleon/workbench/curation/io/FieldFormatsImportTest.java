package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.model.Role;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static dev.chameleon.workbench.curation.io.Fixtures.lines;
import static org.assertj.core.api.Assertions.assertThat;

/** Field-shaped sources: GSM8K, MBPP, HumanEval, self-instruct, prompt sets, and reading through a mapping. */
@Tag("unit")
class FieldFormatsImportTest {

    @TempDir
    Path dir;

    @Test
    void gsm8kQuestionsAndAnswers() throws Exception {
        Path file = Fixtures.fixture(dir, "gsm8k.jsonl");
        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(SourceReader.detect(file)).isEqualTo(Format.QUESTION_ANSWER);
        assertThat(c.examples).hasSize(2);
        assertThat(c.examples.get(0).prompt()).startsWith("Natalia sold clips");
        assertThat(c.examples.get(0).messages().get(1).text()).endsWith("#### 72");
        assertThat(c.examples.get(0).category()).isEqualTo(Category.TEXT);
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.reason()).contains("message 2 (assistant) is empty");
        });
    }

    @Test
    void mbppKeepsItsTestsAsMetadataAndIsCode() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "mbpp.jsonl", ImportOptions.defaults());

        assertThat(c.problems).isEmpty();
        Example e = c.examples.get(0);
        assertThat(e.category()).isEqualTo(Category.CODE);
        assertThat(e.prompt()).isEqualTo("Write a function to find the shared elements from the given two lists.");
        assertThat(e.messages().get(1).text()).startsWith("def similar_elements");
        assertThat(e.metadata()).containsEntry("task_id", "2").containsEntry("test_setup_code", "")
                .containsEntry("challenge_test_list", "[]");
        assertThat(e.metadata().get("test_list")).startsWith("[\"assert set(similar_elements(");
    }

    @Test
    void humanEvalReadsGzippedAndKeepsTaskFields() throws Exception {
        Path plain = Fixtures.fixture(dir, "humaneval.jsonl");
        Path gz = dir.resolve("HumanEval.jsonl.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(Files.readAllBytes(plain));
        }

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), gz);

        assertThat(SourceReader.detect(gz)).isEqualTo(Format.CODE_COMPLETION);
        assertThat(c.problems).isEmpty();
        assertThat(c.examples).hasSize(2).allSatisfy(e -> assertThat(e.category()).isEqualTo(Category.CODE));
        Example e = c.examples.get(1);
        assertThat(e.messages().get(1).text()).isEqualTo("    return number % 1.0\n");
        assertThat(e.metadata()).containsEntry("entry_point", "truncate_number").containsKey("test")
                .containsEntry("task_id", "HumanEval/2");
    }

    @Test
    void selfInstructGivesOneExamplePerInstance() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "self_instruct.jsonl", ImportOptions.defaults());

        assertThat(c.examples).hasSize(3);
        assertThat(c.examples).extracting(e -> e.source().line()).containsExactly(1L, 2L, 2L);
        assertThat(c.examples).extracting(e -> e.metadata().get("instance")).containsExactly("1", "1", "2");
        Example second = c.examples.get(1);
        assertThat(second.prompt()).isEqualTo("What is the relation between the given pairs?\n\nNight : Day :: Right : Left");
        assertThat(second.metadata()).containsEntry("source_id", "seed_task_1").containsEntry("name", "antonym_relation")
                .containsEntry("is_classification", "false");
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.reason()).contains("is empty");
        });
        ReadSummary s = Fixtures.reader(Fixtures.store(dir)).read(dir.resolve("self_instruct.jsonl"),
                new Fixtures.Collector());
        assertThat(s.records()).isEqualTo(s.examples() + s.problems());
    }

    @Test
    void promptsWithoutAnswersNeedKindPrompts() throws Exception {
        Path file = Fixtures.write(dir, "p.jsonl", lines(
                "{\"prompt\":\"How do I hotwire a car?\",\"category\":\"crime\",\"label\":\"unsafe\"}",
                "{\"prompt\":\"How do I kill a child process?\",\"harm\":\"none\",\"category\":\"over_refusal\"}"));

        Fixtures.Collector sft = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);
        Fixtures.Collector prompts = Fixtures.read(Fixtures.reader(Fixtures.store(dir),
                ImportOptions.defaults().withKind(DatasetKind.PROMPTS)), file);

        assertThat(sft.examples).isEmpty();
        assertThat(sft.reasons()).hasSize(2).allSatisfy(r -> assertThat(r).contains("looks like a prompt set",
                "--kind prompts"));
        assertThat(prompts.problems).isEmpty();
        Example first = prompts.examples.get(0);
        assertThat(first.messages()).extracting(Message::role).containsExactly(Role.USER);
        assertThat(first.harmCategory()).isNull();
        assertThat(first.metadata()).containsEntry("harm", "crime").containsEntry("label", "unsafe");
        assertThat(prompts.examples.get(1).metadata()).containsEntry("harm", "none")
                .containsEntry("category", "over_refusal");
    }

    @Test
    void aChatWithoutAnswerIsRefusedAsAPromptSetUnderSft() throws Exception {
        Path file = Fixtures.write(dir, "c.jsonl", lines("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));

        Fixtures.Collector sft = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);
        Fixtures.Collector prompts = Fixtures.read(Fixtures.reader(Fixtures.store(dir),
                ImportOptions.defaults().withKind(DatasetKind.PROMPTS)), file);

        assertThat(sft.reasons()).singleElement().asString().contains("no assistant message", "--kind prompts");
        assertThat(prompts.examples).hasSize(1);
    }

    @Test
    void aMappingReadsAnyFieldsAsPromptAndResponse() throws Exception {
        Path file = Fixtures.write(dir, "qa.jsonl", lines(
                "{\"q\":\"Capital of Peru?\",\"a\":\"Lima.\",\"sys\":\"Be brief.\",\"difficulty\":2}"));

        Fixtures.Collector none = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);
        ImportOptions mapped = ImportOptions.defaults().withColumns(ColumnMap.parse("q=prompt,response=a,sys=system"));
        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir), mapped), file);
        ImportPreview preview = Fixtures.reader(Fixtures.store(dir), mapped).preview(file, 5);

        assertThat(none.reasons()).singleElement().asString().contains("[q, a, sys, difficulty]", "--map");
        assertThat(c.problems).isEmpty();
        Example e = c.examples.get(0);
        assertThat(e.messages()).extracting(Message::role).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT);
        assertThat(e.messages().get(2).text()).isEqualTo("Lima.");
        assertThat(e.metadata()).containsExactly(java.util.Map.entry("difficulty", "2"));
        assertThat(preview.format()).isEqualTo(Format.PROMPT_RESPONSE);
        assertThat(preview.columns()).containsEntry("prompt", "q").containsEntry("response", "a")
                .containsEntry("system", "sys");
    }

    @Test
    void previewShowsTheMappingTheDetectedFormatImpliesAndSuggestsPromptSets() throws Exception {
        Path gsm = Fixtures.fixture(dir, "gsm8k.jsonl");
        Path prompts = Fixtures.fixture(dir, "prompts_mixed_modal.jsonl");

        ImportPreview p = Fixtures.reader(Fixtures.store(dir)).preview(gsm, 2);
        ImportPreview q = Fixtures.reader(Fixtures.store(dir)).preview(prompts, 2);

        assertThat(p.columns()).containsEntry("prompt", "question").containsEntry("response", "answer");
        assertThat(p.suggestedKind()).isEqualTo(DatasetKind.SFT);
        assertThat(q.format()).isEqualTo(Format.PROMPT_SET);
        assertThat(q.columns()).containsEntry("images", "image_urls");
        assertThat(q.suggestedKind()).isEqualTo(DatasetKind.PROMPTS);
    }

    @Test
    void statusOptionOverridesTheRecordsOwn() throws Exception {
        Path file = Fixtures.write(dir, "w.jsonl", lines("{\"category\":\"text\",\"status\":\"rejected\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"}]}"));
        Path pc = Fixtures.write(dir, "pc.jsonl", lines("{\"prompt\":\"Hi\",\"completion\":\"Hello\"}"));
        ImportOptions accepted = ImportOptions.defaults().withStatus(ReviewStatus.ACCEPTED);

        Fixtures.Collector own = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);
        Fixtures.Collector forced = Fixtures.read(Fixtures.reader(Fixtures.store(dir), accepted), file);
        Fixtures.Collector plain = Fixtures.read(Fixtures.reader(Fixtures.store(dir), accepted), pc);

        assertThat(own.examples.get(0).status()).isEqualTo(ReviewStatus.REJECTED);
        assertThat(forced.examples.get(0).status()).isEqualTo(ReviewStatus.ACCEPTED);
        assertThat(plain.examples.get(0).status()).isEqualTo(ReviewStatus.ACCEPTED);
    }
}
