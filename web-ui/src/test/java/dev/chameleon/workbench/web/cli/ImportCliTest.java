package dev.chameleon.workbench.web.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.search.SearchRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static dev.chameleon.workbench.web.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code workbench import} on what people have: files it cannot read are refused in one line each without stopping
 * the others, column mappings and trusted statuses from the command line, and LLaMA-Factory registries.
 */
@Tag("unit")
class ImportCliTest {

    @TempDir
    Path tmp;

    private Path ws() {
        return tmp.resolve("ws");
    }

    private static String chat(String user, String assistant) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + user + "\"},"
                + "{\"role\":\"assistant\",\"content\":\"" + assistant + "\"}]}\n";
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    /** The examples stored in a dataset, in import order. */
    private List<Example> stored(String dataset) {
        try (Curation c = Curation.open(ws())) {
            return c.rows(SearchRequest.of(dataset, ""), 0, 100).stream()
                    .map(r -> c.example(r.id()).orElseThrow()).toList();
        }
    }

    /** The lines of standard error that name a file, and that no Java exception or stack trace got through. */
    private static List<String> linesNaming(CliTest.Run run, String fileName) {
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("java.");
        return run.err().lines().filter(l -> l.contains(fileName)).toList();
    }

    @Test
    void anUndetectableFileInTheMiddleIsRefusedInOneLineAndTheOthersImport() throws IOException {
        Path first = write("first.jsonl", chat("What is two plus two?", "Four."));
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Path bad = Files.write(tmp.resolve("noise.bin"), noise);
        Path last = write("last.jsonl", chat("Name a primary colour.", "Red."));

        CliTest.Run run = run("--workspace", ws().toString(), "import", first.toString(), bad.toString(),
                last.toString(), "--dataset", "mixed");

        assertThat(run.exit()).as("a file that gave nothing but a refusal").isEqualTo(2);
        List<String> refusal = linesNaming(run, "noise.bin");
        assertThat(refusal).singleElement().asString().startsWith("error: ").contains("JSON")
                .contains("--format");
        assertThat(stored("mixed")).extracting(Example::allText)
                .anySatisfy(t -> assertThat(t).contains("two plus two"))
                .anySatisfy(t -> assertThat(t).contains("primary colour")).hasSize(2);
    }

    @Test
    void aRecordWithUnknownKeysIsRefusedInOneLineNamingTheKeysAndTheFix() throws IOException {
        Path odd = write("odd.jsonl", "{\"frage\": \"Wie spät ist es?\", \"antwort\": \"Drei Uhr.\"}\n");
        Path good = write("good.jsonl", chat("Say hello.", "Hello."));

        CliTest.Run run = run("--workspace", ws().toString(), "import", odd.toString(), good.toString(),
                "--dataset", "odd", "--json");

        assertThat(run.exit()).isEqualTo(2);
        JsonNode imports = run.json().get("imports");
        assertThat(imports.get(0).get("imported").asLong()).isZero();
        assertThat(imports.get(0).get("problem_list").get(0).get("line").asLong()).isZero();
        assertThat(imports.get(1).get("imported").asLong()).isEqualTo(1);

        CliTest.Run plain = run("--workspace", ws().toString(), "import", odd.toString(), "--dataset", "odd");
        assertThat(linesNaming(plain, "odd.jsonl")).singleElement().asString().startsWith("error: ")
                .contains("frage").contains("antwort").contains("--format");
    }

    @Test
    void mapKindAndStatusShapeTheImport() throws IOException {
        Path qa = write("qa.jsonl", "{\"frage\": \"Wie spät ist es?\", \"antwort\": \"Drei Uhr.\"}\n"
                + "{\"frage\": \"Wo ist Berlin?\", \"antwort\": \"In Deutschland.\"}\n");

        CliTest.Run run = run("--workspace", ws().toString(), "import", qa.toString(), "--dataset", "qa",
                "--map", "frage=prompt,antwort=response", "--status", "accepted", "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.json().get("imports").get(0).get("imported").asLong()).isEqualTo(2);
        List<Example> examples = stored("qa");
        assertThat(examples).extracting(Example::status).containsOnly(ReviewStatus.ACCEPTED);
        assertThat(examples).extracting(Example::allText).anySatisfy(t -> assertThat(t).contains("Drei Uhr."));

        Path prompts = write("prompts.jsonl", "{\"frage\": \"Wie spät ist es?\"}\n");
        CliTest.Run promptSet = run("--workspace", ws().toString(), "import", prompts.toString(), "--dataset",
                "fragen", "--map", "frage=prompt", "--kind", "prompts", "--json");
        assertThat(promptSet.exit()).as(promptSet.err()).isZero();
        assertThat(promptSet.json().get("imports").get(0).get("imported").asLong()).isEqualTo(1);
    }

    @Test
    void badOptionValuesAreOneLineAndExit2() throws IOException {
        Path file = write("one.jsonl", chat("Hi", "Hello"));
        for (String[] option : List.of(new String[]{"--kind", "chat"}, new String[]{"--status", "maybe"},
                new String[]{"--map", "frage"}, new String[]{"--map", "frage=antwort"})) {
            CliTest.Run run = run("--workspace", ws().toString(), "import", file.toString(), "--dataset", "d",
                    option[0], option[1]);

            assertThat(run.exit()).as(String.join(" ", option)).isEqualTo(2);
            assertThat(run.err().strip()).as(String.join(" ", option)).hasLineCount(1).startsWith("error: ")
                    .contains(option[1]);
        }
        assertThat(ws().resolve("db")).as("nothing imported").doesNotExist();
    }

    @Test
    void aRegistryImportsItsLocalDatasetsAndSaysWhichItSkipped() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("llama"));
        Files.writeString(data.resolve("alpaca.json"), """
                [{"instruction": "Translate to French.", "input": "Good morning", "output": "Bonjour"},
                 {"instruction": "Add 2 and 3.", "input": "", "output": "5"}]""");
        Files.writeString(data.resolve("chat.jsonl"), """
                {"conversations": [{"from": "human", "value": "Name a planet."}, {"from": "gpt", "value": "Mars."}]}
                """);
        Path registry = Files.writeString(data.resolve("dataset_info.json"), """
                {"translations": {"file_name": "alpaca.json"},
                 "chat": {"file_name": "chat.jsonl", "formatting": "sharegpt"},
                 "from_the_hub": {"hf_hub_url": "someone/some-dataset"}}""");

        CliTest.Run run = run("--workspace", ws().toString(), "import", registry.toString(), "--dataset", "llama",
                "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode summary = run.json();
        assertThat(summary.get("imports").findValuesAsText("format")).containsExactly("alpaca", "sharegpt");
        assertThat(summary.get("imports").findValuesAsText("imported")).containsExactly("2", "1");
        assertThat(summary.get("skipped")).singleElement().satisfies(s -> {
            assertThat(s.get("name").asText()).isEqualTo("from_the_hub");
            assertThat(s.get("reason").asText()).contains("Hugging Face Hub");
        });
        assertThat(stored("llama")).extracting(Example::allText)
                .anySatisfy(t -> assertThat(t).contains("Good morning").contains("Bonjour"))
                .anySatisfy(t -> assertThat(t).contains("Mars."));

        CliTest.Run text = run("--workspace", ws().toString(), "import", registry.toString(), "--dataset", "llama");
        assertThat(text.err()).contains("from_the_hub: skipped: it is only on the Hugging Face Hub");
    }

    @Test
    void aRegistryOfHubEntriesOnlyImportsNothingAndExits2() throws IOException {
        Path registry = write("dataset_info.json", "{\"a\": {\"hf_hub_url\": \"x/a\"}, \"b\": {\"ms_hub_url\": \"x/b\"}}");

        CliTest.Run run = run("--workspace", ws().toString(), "import", registry.toString(), "--dataset", "hub");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err().lines().filter(l -> l.contains("skipped"))).hasSize(2);
    }
}
