package dev.chameleon.workbench.web.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import static dev.chameleon.workbench.web.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code workbench review} over many matches: imports a chat file where four records in five match a query,
 * accepts every match and undoes it as one batch, and prints both times. The default size keeps the slow tier
 * short; the 100,000-match figure the README quotes comes from
 * {@code mvn -pl web-ui verify -Dit.test=BulkReviewAtScaleCliTest -Dwb.bulkMatches=100000}.
 */
@Tag("slow")
class BulkReviewAtScaleCliTest {

    @TempDir
    Path tmp;

    @Test
    void acceptingEveryMatchAndUndoingItRestoresThemAll() throws IOException {
        int n = Integer.getInteger("wb.bulkMatches", 5_000);
        Path ws = tmp.resolve("ws");
        CliTest.Run imported = run("--workspace", ws.toString(), "import", BulkReviewAtScaleFiles.chatFile(tmp, n).toString(),
                "--dataset", "many");
        assertThat(imported.exit()).as(imported.err()).isZero();

        long t0 = System.nanoTime();
        CliTest.Run accept = run("--workspace", ws.toString(), "review", "--dataset", "many", "--query", "rivers",
                "--accept", "--json");
        double acceptSeconds = (System.nanoTime() - t0) / 1e9;
        assertThat(accept.exit()).as(accept.err()).isZero();
        JsonNode j = accept.json();
        assertThat(j.get("matched").asLong()).isEqualTo(n);
        assertThat(j.get("changed").asLong()).isEqualTo(n);
        assertThat(accepted(ws)).isEqualTo(n);

        t0 = System.nanoTime();
        CliTest.Run undo = run("--workspace", ws.toString(), "review", "--undo", j.get("batch").asText());
        double undoSeconds = (System.nanoTime() - t0) / 1e9;
        assertThat(undo.exit()).as(undo.err()).isZero();
        assertThat(undo.out()).contains(String.format(Locale.ROOT, "%,d examples restored", n));
        assertThat(accepted(ws)).isZero();

        System.out.printf(Locale.ROOT, "CLI bulk review of %,d matches (whole command, workspace opened each "
                + "time): accept %.2f s, undo %.2f s%n", n, acceptSeconds, undoSeconds);
    }

    private static long accepted(Path ws) throws IOException {
        CliTest.Run s = run("--workspace", ws.toString(), "stats", "--dataset", "many", "--json");
        assertThat(s.exit()).as(s.err()).isZero();
        return s.json().get("datasets").get(0).get("statuses").get("accepted").asLong();
    }
}
