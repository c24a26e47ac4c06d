package dev.chameleon.workbench.web.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.web.generation.HfFolder;
import dev.chameleon.workbench.web.generation.ImportedCheckpoints;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.chameleon.workbench.web.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code workbench checkpoints add|list|remove} over tiny Hugging Face folders. */
@Tag("unit")
class CheckpointsCliTest {

    @TempDir
    Path tmp;
    Path ws;

    @BeforeEach
    void workspace() {
        ws = tmp.resolve("ws");
        Curation.open(ws).close();
    }

    @Test
    void addListAndRemove() throws Exception {
        Path folder = HfFolder.write(tmp.resolve("models/chameleon-tiny"), 2);

        CliTest.Run add = run("--workspace", ws.toString(), "checkpoints", "add", folder.toString(), "--json");
        assertThat(add.exit()).as(add.err()).isZero();
        JsonNode added = add.json();
        assertThat(added.get("name").asText()).isEqualTo("chameleon-tiny");
        assertThat(added.get("path").asText()).isEqualTo(folder.toString());
        assertThat(added.get("kind").asText()).isEqualTo("hf");
        assertThat(added.get("present").asBoolean()).isTrue();
        assertThat(added.at("/model/layers").asInt()).isEqualTo(2);
        assertThat(added.at("/model/hidden").asInt()).isEqualTo(HfFolder.HIDDEN);
        assertThat(added.at("/model/vocab").asInt()).isEqualTo(HfFolder.VOCAB);
        assertThat(added.at("/model/swin_norm").asBoolean()).isFalse();
        assertThat(added.at("/model/parameters").asLong()).isPositive();

        Path second = HfFolder.write(tmp.resolve("models/other"), 1);
        CliTest.Run named = run("--workspace", ws.toString(), "checkpoints", "add", second.toString(), "--name",
                "anole-mini");
        assertThat(named.exit()).as(named.err()).isZero();
        assertThat(named.out()).startsWith("registered anole-mini: " + second).contains("1 layer, hidden 16");

        CliTest.Run list = run("--workspace", ws.toString(), "checkpoints", "list", "--json");
        assertThat(list.exit()).isZero();
        assertThat(list.json().get("registry").asText()).isEqualTo(ws.resolve(ImportedCheckpoints.FILE).toString());
        assertThat(list.json().get("checkpoints")).extracting(n -> n.get("name").asText())
                .containsExactly("chameleon-tiny", "anole-mini");
        CliTest.Run text = run("--workspace", ws.toString(), "checkpoints", "list");
        assertThat(text.out()).contains("chameleon-tiny  " + folder).contains("anole-mini  " + second);

        CliTest.Run remove = run("--workspace", ws.toString(), "checkpoints", "remove", "chameleon-tiny");
        assertThat(remove.exit()).as(remove.err()).isZero();
        assertThat(remove.out()).contains("removed chameleon-tiny").contains("left as it is");
        assertThat(folder.resolve("model.safetensors")).exists();
        assertThat(run("--workspace", ws.toString(), "checkpoints", "list", "--json").json().get("checkpoints"))
                .extracting(n -> n.get("name").asText()).containsExactly("anole-mini");
    }

    @Test
    void refusalsAreOneLine() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliTest.Run notHf = run("--workspace", ws.toString(), "checkpoints", "add", empty.toString());
        assertThat(notHf.exit()).isEqualTo(1);
        assertThat(notHf.out()).isEmpty();
        assertThat(notHf.err().strip()).hasLineCount(1).startsWith("error: " + empty + " has no config.json");

        Path biased = HfFolder.write(tmp.resolve("biased"), 1, 1, "\"attention_bias\": true,");
        CliTest.Run unsupported = run("--workspace", ws.toString(), "checkpoints", "add", biased.toString());
        assertThat(unsupported.exit()).isEqualTo(1);
        assertThat(unsupported.err().strip()).hasLineCount(1).startsWith("error: ").contains("attention_bias")
                .doesNotContain("Exception");

        Path partial = HfFolder.write(tmp.resolve("partial"), 2, 1, "");
        CliTest.Run missing = run("--workspace", ws.toString(), "checkpoints", "add", partial.toString());
        assertThat(missing.err().strip()).hasLineCount(1).contains("the weights lack").contains("incomplete");

        CliTest.Run unknown = run("--workspace", ws.toString(), "checkpoints", "remove", "nope");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err().strip()).hasLineCount(1)
                .isEqualTo("error: no imported checkpoint is named 'nope'; none are registered");

        CliTest.Run noWorkspace = run("--workspace", tmp.resolve("typo").toString(), "checkpoints", "list");
        assertThat(noWorkspace.exit()).isEqualTo(1);
        assertThat(noWorkspace.err().strip()).hasLineCount(1).contains("no workspace at");
        assertThat(tmp.resolve("typo")).doesNotExist();

        CliTest.Run bare = run("--workspace", ws.toString(), "checkpoints");
        assertThat(bare.exit()).isEqualTo(2);
        assertThat(bare.err().strip()).hasLineCount(1).contains("add, list, remove");

        CliTest.Run usage = run("--workspace", ws.toString(), "checkpoints", "add");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err().strip()).hasLineCount(1).contains("DIR");
    }

    @Test
    void theWebAppsOpenWorkspaceDoesNotStopTheCommands() throws Exception {
        Path folder = HfFolder.write(tmp.resolve("m"), 1);
        try (Curation open = Curation.open(ws)) {
            CliTest.Run add = run("--workspace", ws.toString(), "checkpoints", "add", folder.toString());
            assertThat(add.exit()).as(add.err()).isZero();
        }
    }
}
