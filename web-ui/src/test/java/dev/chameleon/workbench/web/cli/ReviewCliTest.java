package dev.chameleon.workbench.web.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.chameleon.workbench.web.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code workbench review}: bulk actions over a search's matches, their counts and batch ids, and undo. */
@Tag("unit")
class ReviewCliTest {

    @TempDir
    Path tmp;
    Path ws;

    @BeforeEach
    void imported() throws IOException {
        ws = tmp.resolve("ws");
        Path f = Files.writeString(tmp.resolve("chat.jsonl"), String.join("\n",
                chat("Name a river in France", "The Seine."),
                chat("Name a river in Spain", "The Ebro."),
                chat("Name a star", "Vega."),
                chat("Write hello world in Python", "```python\\nprint('hello world')\\n```")) + "\n");
        CliTest.Run r = run("--workspace", ws.toString(), "import", f.toString(), "--dataset", "chat");
        assertThat(r.exit()).as(r.err()).isZero();
    }

    private static String chat(String user, String assistant) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + user + "\"},"
                + "{\"role\":\"assistant\",\"content\":\"" + assistant + "\"}]}";
    }

    private JsonNode stats() throws IOException {
        CliTest.Run s = run("--workspace", ws.toString(), "stats", "--dataset", "chat", "--json");
        assertThat(s.exit()).as(s.err()).isZero();
        return s.json().get("datasets").get(0);
    }

    @Test
    void acceptingTheMatchesPrintsCountsAndABatchThatUndoes() throws IOException {
        CliTest.Run r = run("--workspace", ws.toString(), "review", "--dataset", "chat", "--query", "river",
                "--accept", "--json");

        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("action").asText()).isEqualTo("accept");
        assertThat(j.get("matched").asLong()).isEqualTo(2);
        assertThat(j.get("changed").asLong()).isEqualTo(2);
        assertThat(stats().get("statuses").get("accepted").asLong()).isEqualTo(2);
        assertThat(stats().get("kind").asText()).isEqualTo("sft");

        CliTest.Run undo = run("--workspace", ws.toString(), "review", "--undo", j.get("batch").asText());

        assertThat(undo.exit()).as(undo.err()).isZero();
        assertThat(undo.out()).startsWith("undid batch " + j.get("batch").asText() + " (accept in chat): 2 examples restored");
        assertThat(stats().get("statuses").get("accepted").asLong()).isZero();

        CliTest.Run again = run("--workspace", ws.toString(), "review", "--undo", j.get("batch").asText());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("was already undone").doesNotContain("Exception");
    }

    @Test
    void reCategorisingReportsTheSkippedWithTheirReason() throws IOException {
        CliTest.Run r = run("--workspace", ws.toString(), "review", "--dataset", "chat", "--category", "image_generation");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("4 matched, 0 changed, 0 already so, 4 skipped")
                .contains("skipped 4: an Image Generation example needs an image in an assistant answer")
                .contains("undo with: workbench review --undo ");
    }

    @Test
    void taggingAllExamplesReachesSearch() throws IOException {
        CliTest.Run r = run("--workspace", ws.toString(), "review", "--dataset", "chat", "--tag", "batch-1", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.json().get("changed").asLong()).isEqualTo(4);

        CliTest.Run s = run("--workspace", ws.toString(), "search", "--dataset", "chat", "tag:batch-1", "--json");
        assertThat(s.json().get("total").asLong()).isEqualTo(4);
    }

    @Test
    void usageErrorsAreOneLineAndExit2() {
        CliTest.Run none = run("--workspace", ws.toString(), "review", "--dataset", "chat");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).startsWith("error: ").contains("--accept");

        CliTest.Run both = run("--workspace", ws.toString(), "review", "--dataset", "chat", "--accept", "--reject");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).startsWith("error: give --dataset NAME and exactly one of --accept");

        CliTest.Run mixed = run("--workspace", ws.toString(), "review", "--undo", "1", "--accept");
        assertThat(mixed.exit()).isEqualTo(2);
        assertThat(mixed.err()).contains("--undo BATCH takes no other option");

        CliTest.Run badQuery = run("--workspace", ws.toString(), "review", "--dataset", "chat", "--query",
                "length:[x TO 3]", "--accept");
        assertThat(badQuery.exit()).isEqualTo(2);
        assertThat(badQuery.err()).contains("length takes a whole number").doesNotContain("Exception");

        CliTest.Run unknown = run("--workspace", ws.toString(), "review", "--dataset", "nope", "--accept");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no dataset named 'nope'");
    }
}
