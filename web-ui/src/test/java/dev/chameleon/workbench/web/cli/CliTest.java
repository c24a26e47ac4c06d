package dev.chameleon.workbench.web.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.search.SearchRequest;
import dev.chameleon.workbench.web.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line end to end on throw-away workspaces: exit codes, JSON summaries and error messages. */
@Tag("unit")
class CliTest {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @TempDir
    Path tmp;
    Path ws;
    Path fixture;
    Path images;

    /** What one command printed and returned. */
    record Run(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out); // Fails unless stdout holds the JSON summary and nothing else.
        }
    }

    static Run run(String... args) {
        CommandLine cl = WorkbenchCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /**
     * Six JSONL records: four good (two text, one code, one visual chat with an image from --images), one line
     * that is not JSON (line 4) and one whose image does not exist (line 5).
     */
    @BeforeEach
    void fixture() throws IOException {
        ws = tmp.resolve("ws");
        images = Files.createDirectories(tmp.resolve("pictures"));
        Files.write(images.resolve("circle.png"), TestData.shape(Color.RED, true));
        fixture = tmp.resolve("data").resolve("chat.jsonl");
        Files.createDirectories(fixture.getParent());
        Files.writeString(fixture, String.join("\n",
                chat("What is the capital of France?", "Paris is the capital of France."),
                chat("Write hello world in Python", "```python\\nprint('hello world')\\n```"),
                imageChat("circle.png", "What shape is this?", "A red circle."),
                "{\"messages\": [{\"role\": \"user\", \"content\": \"unterminated",
                imageChat("missing.png", "And this one?", "A square."),
                chat("Tell me a joke about cats", "Cats do not laugh at jokes, they judge them."))
                + "\n");
    }

    private static String chat(String user, String assistant) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + user + "\"},"
                + "{\"role\":\"assistant\",\"content\":\"" + assistant + "\"}]}";
    }

    private static String imageChat(String image, String user, String assistant) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\""
                + image + "\"}},{\"type\":\"text\",\"text\":\"" + user + "\"}]},"
                + "{\"role\":\"assistant\",\"content\":\"" + assistant + "\"}]}";
    }

    private Run importFixture(Path workspace) {
        return run("--workspace", workspace.toString(), "import", fixture.toString(), "--dataset", "chat",
                "--images", images.toString(), "--json");
    }

    @Test
    void importReportsCountsAndReImportOnlyFindsDuplicates() throws IOException {
        Run first = importFixture(ws);

        assertThat(first.exit()).as(first.err()).isZero();
        JsonNode r = first.json().get("imports").get(0);
        assertThat(r.get("dataset").asText()).isEqualTo("chat");
        assertThat(r.get("format").asText()).isEqualTo("openai");
        assertThat(r.get("records").asLong()).isEqualTo(6);
        assertThat(r.get("imported").asLong()).isEqualTo(4);
        assertThat(r.get("duplicates").asLong()).isZero();
        assertThat(r.get("problems").asLong()).isEqualTo(2);
        assertThat(r.get("problem_list").findValuesAsText("line")).containsExactly("4", "5");
        assertThat(r.get("problem_list").get(1).get("reason").asText()).contains("missing.png");

        // --workspace after the subcommand name works too.
        Run again = run("import", fixture.toString(), "--dataset", "chat", "--images", images.toString(),
                "--workspace", ws.toString(), "--json");

        assertThat(again.exit()).as(again.err()).isZero();
        JsonNode r2 = again.json().get("imports").get(0);
        assertThat(r2.get("imported").asLong()).isZero();
        assertThat(r2.get("duplicates").asLong()).isEqualTo(4);
        assertThat(r2.get("problems").asLong()).isEqualTo(2);
    }

    @Test
    void theLauncherPrintsOnlyTheSummaryOnStandardOutput() throws IOException {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = Workbench.run("--workspace", ws.toString(), "import", fixture.toString(), "--dataset", "chat",
                    "--images", images.toString(), "--json");
        } finally {
            System.setOut(stdout);
        }

        assertThat(exit).isZero();
        assertThat(new Run(exit, captured.toString(StandardCharsets.UTF_8), "").json().get("imports").get(0)
                .get("imported").asLong()).isEqualTo(4);
    }

    @Test
    void anInputWithOnlyProblemsExits2() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.jsonl"), "{\"messages\": \"not a list\"}\nnot json\n");

        Run run = run("--workspace", ws.toString(), "import", bad.toString(), "--dataset", "bad", "--json");

        assertThat(run.exit()).isEqualTo(2);
        JsonNode r = run.json().get("imports").get(0);
        assertThat(r.get("imported").asLong()).isZero();
        assertThat(r.get("problems").asLong()).isEqualTo(2);
    }

    @Test
    void reportWritesTheRefusedLinesAsCsv() throws IOException {
        Path csv = tmp.resolve("report.csv");

        Run run = run("--workspace", ws.toString(), "import", fixture.toString(), "--dataset", "chat",
                "--images", images.toString(), "--report", csv.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("file,line,reason");
        assertThat(lines.subList(1, lines.size())).hasSize(2)
                .extracting(l -> l.split(",")[1]).containsExactly("4", "5");
        assertThat(lines.get(1)).startsWith("chat.jsonl,4,");
    }

    @Test
    void searchFindsTheMatchingExamples() throws IOException {
        importFixture(ws);

        Run run = run("--workspace", ws.toString(), "search", "--dataset", "chat", "--json", "capital", "OR", "python");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode page = run.json();
        assertThat(page.get("total").asLong()).isEqualTo(2);
        assertThat(page.get("hits").findValuesAsText("preview"))
                .anyMatch(p -> p.contains("capital of France")).anyMatch(p -> p.contains("hello world"));

        JsonNode image = run("search", "--workspace", ws.toString(), "--dataset", "chat", "has_image:true", "--json")
                .json();
        assertThat(image.get("total").asLong()).isEqualTo(1);
        assertThat(image.get("hits").get(0).get("category").asText()).isEqualTo("visual_chat");
        assertThat(image.get("hits").get(0).get("images").asInt()).isEqualTo(1);
    }

    @Test
    void statsCountsPerCategory() throws IOException {
        importFixture(ws);

        Run run = run("--workspace", ws.toString(), "stats", "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode datasets = run.json().get("datasets");
        assertThat(datasets).hasSize(1);
        JsonNode chat = datasets.get(0);
        assertThat(chat.get("name").asText()).isEqualTo("chat");
        assertThat(chat.get("examples").asLong()).isEqualTo(4);
        assertThat(chat.get("with_images").asLong()).isEqualTo(1);
        JsonNode cats = chat.get("categories");
        assertThat(cats.get("text").asLong()).isEqualTo(2);
        assertThat(cats.get("code").asLong()).isEqualTo(1);
        assertThat(cats.get("visual_chat").asLong()).isEqualTo(1);
        assertThat(cats.get("safety").asLong()).isZero();
        assertThat(chat.get("statuses").get("pending").asLong()).isEqualTo(4);
    }

    @Test
    void exportThenImportIntoAnotherWorkspaceGivesTheSameStats() throws IOException {
        importFixture(ws);
        Path out = tmp.resolve("export").resolve("chat.jsonl");

        Run export = run("--workspace", ws.toString(), "export", "--dataset", "chat", "--out", out.toString(), "--json");
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(export.json().get("examples").asLong()).isEqualTo(4);
        assertThat(export.json().get("images").asLong()).isEqualTo(1);

        Path second = tmp.resolve("ws2");
        Run reimport = run("--workspace", second.toString(), "import", out.toString(), "--dataset", "chat", "--json");
        assertThat(reimport.exit()).as(reimport.err()).isZero();
        JsonNode r = reimport.json().get("imports").get(0);
        assertThat(r.get("format").asText()).isEqualTo("workbench");
        assertThat(r.get("imported").asLong()).isEqualTo(4);
        assertThat(r.get("problems").asLong()).isZero();

        JsonNode before = run("--workspace", ws.toString(), "stats", "--dataset", "chat", "--json").json();
        JsonNode after = run("--workspace", second.toString(), "stats", "--dataset", "chat", "--json").json();
        assertThat(after.get("datasets")).isEqualTo(before.get("datasets"));
    }

    @Test
    void snapshotsAreNumberedAndHoldAManifest() throws IOException {
        importFixture(ws);
        try (Curation c = Curation.open(ws)) {
            long id = c.rows(SearchRequest.of("chat", "capital"), 0, 1).get(0).id();
            c.setStatus(id, ReviewStatus.ACCEPTED);
        }

        JsonNode v1 = run("--workspace", ws.toString(), "snapshot", "--dataset", "chat", "--json").json();
        Run second = run("snapshot", "--dataset", "chat", "--workspace", ws.toString(), "--json");

        assertThat(v1.get("version").asInt()).isEqualTo(1);
        assertThat(v1.get("examples").asLong()).isEqualTo(1);
        assertThat(v1.get("categories").get("text").asLong()).isEqualTo(1);
        assertThat(Path.of(v1.get("dir").asText()).resolve("manifest.json")).isRegularFile();
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.json().get("version").asInt()).isEqualTo(2);
        assertThat(second.json().get("content_hash").asText()).isEqualTo(v1.get("content_hash").asText());
        assertThat(Path.of(second.json().get("dir").asText()).resolve("manifest.json")).isRegularFile();
    }

    @Test
    void anUnknownDatasetExits1WithOneLineNamingIt() {
        importFixture(ws);

        for (String[] args : List.of(
                new String[]{"search", "--dataset", "nope", "anything"},
                new String[]{"stats", "--dataset", "nope"},
                new String[]{"export", "--dataset", "nope", "--out", tmp.resolve("x.jsonl").toString()},
                new String[]{"snapshot", "--dataset", "nope", "--json"})) {
            Run run = run(concat(args, "--workspace", ws.toString()));

            assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(run.out()).isEmpty();
            assertThat(run.err().strip()).hasLineCount(1).startsWith("error: ").contains("'nope'").contains("chat");
        }
    }

    @Test
    void badInputIsExplainedInOneLine() {
        importFixture(ws);

        Run category = run("--workspace", ws.toString(), "import", fixture.toString(), "--dataset", "chat",
                "--category", "poetry");
        assertThat(category.exit()).isEqualTo(2);
        assertThat(category.err().strip()).hasLineCount(1).contains("'poetry'")
                .contains("text, code, visual_chat, image_generation, interleaved_generation, safety");

        Run format = run("--workspace", ws.toString(), "import", fixture.toString(), "--dataset", "chat",
                "--format", "parquet");
        assertThat(format.exit()).isEqualTo(2);
        assertThat(format.err()).contains("'parquet'").contains("openai").contains("sharegpt");

        Run query = run("--workspace", ws.toString(), "search", "--dataset", "chat", "length:[abc TO 5]");
        assertThat(query.exit()).isEqualTo(2);
        assertThat(query.err().strip()).hasLineCount(1).contains("cannot parse the query");

        Run missing = run("--workspace", ws.toString(), "import", tmp.resolve("nowhere.jsonl").toString(),
                "--dataset", "chat");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err().strip()).hasLineCount(1).contains("nowhere.jsonl");

        Run usage = run("--workspace", ws.toString(), "import", fixture.toString());
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err().strip()).hasLineCount(1).contains("--dataset").contains("workbench import --help");

        Run noWorkspace = run("--workspace", tmp.resolve("typo").toString(), "stats");
        assertThat(noWorkspace.exit()).isEqualTo(1);
        assertThat(noWorkspace.err()).contains("no workspace at");
        assertThat(tmp.resolve("typo")).doesNotExist();
    }

    @Test
    void aWorkspaceInUseExits1AndSaysSo() {
        importFixture(ws);
        try (Curation open = Curation.open(ws)) {
            Run run = run("--workspace", ws.toString(), "stats", "--json");

            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.out()).isEmpty();
            assertThat(run.err().strip()).hasLineCount(1).contains("locked");
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void demoCreatesTheDemoDatasetOnceAndRefusesAWorkspaceWithOtherData() throws IOException {
        Run first = run("--workspace", ws.toString(), "--json", "demo");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.json().get("created").asBoolean()).isTrue();
        long examples = first.json().get("examples").asLong();
        assertThat(examples).isGreaterThan(1000);
        Run again = run("--workspace", ws.toString(), "--json", "demo");
        assertThat(again.json().get("created").asBoolean()).isFalse();
        assertThat(again.json().get("examples").asLong()).isEqualTo(examples);

        Path other = tmp.resolve("other");
        assertThat(run("--workspace", other.toString(), "import", fixture.toString(), "--dataset", "chat",
                "--images", images.toString()).exit()).isIn(0, 2);
        Run refused = run("--workspace", other.toString(), "demo");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("other datasets").contains("--workspace");
    }
}
