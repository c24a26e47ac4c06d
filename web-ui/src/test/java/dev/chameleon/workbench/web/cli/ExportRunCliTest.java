package dev.chameleon.workbench.web.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chameleon.workbench.trainer.handoff.HandoffFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code workbench export-run RUN-ID --out DIR} on a run folder of a workspace (stand-in tokenizers, so no native
 * library): the export and its summary, and the errors for an unknown run, a non-empty folder and a bad --windows.
 */
@Tag("unit")
class ExportRunCliTest {

    static final String RUN = "20260101-120000-demo";

    @TempDir
    Path tmp;
    Path ws;

    @BeforeEach
    void workspaceWithARun() throws IOException {
        ws = tmp.resolve("ws");
        Files.createDirectories(ws.resolve("db"));
        // 5 steps of 2 x 1 windows over the fixture's snapshot and tokenizers.
        HandoffFixtures.writeRun(ws.resolve("runs").resolve(RUN), ws.resolve("snapshots/demo/v0001"), 5, 2, 1, 42);
    }

    /** Runs the command line with the stand-in tokenizers in export-run. */
    static CliTest.Run run(String... args) {
        CommandLine cl = WorkbenchCommand.commandLine();
        ExportRunCommand export = cl.getSubcommands().get("export-run").getCommand();
        export.tokenizers = HandoffFixtures.loader();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CliTest.Run(exit, out.toString(), err.toString());
    }

    @Test
    void exportsTheRunsWindowsRecipeAndTokenizers() throws Exception {
        Path out = tmp.resolve("handoff");
        CliTest.Run r = run("--workspace", ws.toString(), "--json", "export-run", RUN, "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode summary = r.json();
        assertThat(summary.get("run").asText()).isEqualTo(RUN);
        assertThat(summary.get("dir").asText()).isEqualTo(out.toAbsolutePath().toString());
        assertThat(summary.get("windows").asLong()).isEqualTo(10);
        assertThat(summary.get("windows_per_step").asInt()).isEqualTo(2);
        assertThat(summary.get("checkpoint_step").isNull()).isTrue();
        assertThat(summary.get("labelled_tokens").asLong()).isPositive();

        JsonNode manifest = new ObjectMapper().readTree(out.resolve("data.json").toFile());
        assertThat(manifest.get("windows").asLong()).isEqualTo(10);
        assertThat(manifest.get("seed").asLong()).isEqualTo(42);
        assertThat(out.resolve("recipe.yaml")).isRegularFile();
        assertThat(out.resolve("README.md")).isRegularFile();
        assertThat(out.resolve("tokenizers/tokenizer.json")).isRegularFile();
        assertThat(out.resolve(manifest.get("shards").get(0).get("file").asText())).isRegularFile();

        // Progress and phases on standard error, one per line (not a terminal), nothing on standard output but JSON.
        assertThat(r.err()).contains("export-run " + RUN + ": rendering").contains("export-run " + RUN + ": writing 10")
                .doesNotContain("\r");
        assertThat(siblings()).containsExactlyInAnyOrder("ws", "handoff");
    }

    @Test
    void theWindowsOptionLimitsTheExport() throws Exception {
        Path out = tmp.resolve("handoff");
        CliTest.Run r = run("--workspace", ws.toString(), "export-run", RUN, "--out", out.toString(), "--windows", "3");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("exported run " + RUN).contains("3 windows").contains("no checkpoint");
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("data.json").toFile());
        assertThat(manifest.get("windows").asLong()).isEqualTo(3);

        CliTest.Run zero = run("--workspace", ws.toString(), "export-run", RUN, "--out", tmp.resolve("x").toString(),
                "--windows", "0");
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).startsWith("error: --windows must be at least 1");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void anUnknownRunIsNamedWithTheRunsThereAre() {
        CliTest.Run r = run("--workspace", ws.toString(), "export-run", "nope", "--out", tmp.resolve("o").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("error: there is no run 'nope' in " + ws.resolve("runs").toAbsolutePath()
                + "; runs there: " + RUN);
        assertThat(tmp.resolve("o")).doesNotExist();

        CliTest.Run escape = run("--workspace", ws.toString(), "export-run", "../ws", "--out",
                tmp.resolve("o").toString());
        assertThat(escape.exit()).isEqualTo(1);
        assertThat(escape.err()).contains("there is no run '../ws'");
    }

    @Test
    void aNonEmptyOutFolderIsRefusedAndLeftAsItWas() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        CliTest.Run r = run("--workspace", ws.toString(), "export-run", RUN, "--out", out.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: --out " + out.toAbsolutePath()).contains("is not empty")
                .contains("give a new or empty folder");
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("keep.txt");
        }
        assertThat(siblings()).containsExactlyInAnyOrder("ws", "busy");
    }

    @Test
    void aMissingWorkspaceSaysHowToGiveOne() {
        CliTest.Run r = run("--workspace", tmp.resolve("none").toString(), "export-run", RUN, "--out",
                tmp.resolve("o").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: no workspace at").contains("--workspace DIR");
    }

    private java.util.List<String> siblings() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
