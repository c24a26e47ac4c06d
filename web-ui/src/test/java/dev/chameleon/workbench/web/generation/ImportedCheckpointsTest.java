package dev.chameleon.workbench.web.generation;

import dev.chameleon.workbench.trainer.model.ModelConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("unit")
class ImportedCheckpointsTest {

    @TempDir
    Path tmp;

    @Test
    void addListAndRemoveKeepTheFolderWhereItIs() throws Exception {
        Path ws = tmp.resolve("ws");
        Path folder = HfFolder.write(tmp.resolve("models/chameleon-tiny"), 2);
        ImportedCheckpoints registry = new ImportedCheckpoints(ws);
        assertThat(registry.list()).isEmpty();

        ImportedCheckpoints.Entry e = registry.add(folder, null);

        assertThat(e.name()).isEqualTo("chameleon-tiny");
        assertThat(e.path()).isEqualTo(folder.toAbsolutePath());
        assertThat(e.kind()).isEqualTo("hf");
        long params = ModelConfig.of(HfFolder.VOCAB, HfFolder.HIDDEN, 2, HfFolder.HEADS, HfFolder.HEADS,
                HfFolder.FFN, 64).parameterCount();
        assertThat(e.model()).isEqualTo(new ImportedCheckpoints.ModelSummary(params, 2, HfFolder.HIDDEN,
                HfFolder.HEADS, HfFolder.VOCAB, false));
        assertThat(e.label()).isEqualTo("imported · chameleon-tiny (" + ImportedCheckpoints.ModelSummary.size(params)
                + ", 2 layers)");
        assertThat(ws.resolve(ImportedCheckpoints.FILE)).exists();
        // A second registry over the same workspace (another process) reads the same entry back.
        assertThat(new ImportedCheckpoints(ws).list()).containsExactly(e);

        assertThat(registry.remove("chameleon-tiny")).isEqualTo(e);
        assertThat(registry.list()).isEmpty();
        assertThat(folder.resolve("model.safetensors")).exists();
        assertThat(folder.resolve("config.json")).exists();
        try (var s = Files.list(ws.resolve("checkpoints"))) {
            assertThat(s.map(p -> p.getFileName().toString())).doesNotContain("imported.json.tmp");
        }
    }

    @Test
    void namesAreTheFoldersOrTheCachedModelsMadeUniqueOrChosen() throws Exception {
        ImportedCheckpoints registry = new ImportedCheckpoints(tmp.resolve("ws"));
        Path cached = HfFolder.write(tmp.resolve("hub/models--facebook--chameleon-7b/snapshots/0123abcd"), 1);
        Path other = HfFolder.write(tmp.resolve("elsewhere/chameleon-7b"), 1);
        Path third = HfFolder.write(tmp.resolve("x/third"), 1);

        assertThat(registry.add(cached, null).name()).isEqualTo("chameleon-7b");
        assertThat(registry.add(other, " ").name()).isEqualTo("chameleon-7b-2");
        assertThat(registry.add(third, "anole").name()).isEqualTo("anole");
        assertThat(registry.byName("anole")).map(ImportedCheckpoints.Entry::path).contains(third);
        assertThat(registry.byPath(other)).map(ImportedCheckpoints.Entry::name).contains("chameleon-7b-2");

        assertThatThrownBy(() -> registry.add(third, "again"))
                .hasMessage(third + " is already registered as 'anole'; remove that entry first to register it under "
                        + "another name");
        Path fourth = HfFolder.write(tmp.resolve("x/fourth"), 1);
        assertThatThrownBy(() -> registry.add(fourth, "anole")).isInstanceOf(ImportedCheckpoints.RefusedName.class)
                .hasMessageContaining("a checkpoint named 'anole' is already registered (" + third + ")");
        assertThatThrownBy(() -> registry.add(fourth, "no spaces")).isInstanceOf(ImportedCheckpoints.RefusedName.class)
                .hasMessageContaining("'no spaces' cannot name a checkpoint").hasMessageContaining("e.g. chameleon-7b");
        assertThatThrownBy(() -> registry.remove("nope"))
                .hasMessage("no imported checkpoint is named 'nope'; the registered ones are chameleon-7b, "
                        + "chameleon-7b-2, anole");
    }

    @Test
    void foldersThatAreNotUsableChameleonCheckpointsAreRefusedSayingWhy() throws Exception {
        ImportedCheckpoints registry = new ImportedCheckpoints(tmp.resolve("ws"));

        assertThatThrownBy(() -> registry.add(tmp.resolve("nowhere"), null))
                .hasMessageContaining("nowhere is not a folder").hasMessageContaining("config.json");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> registry.add(empty, null))
                .hasMessageContaining("has no config.json, so it is not a checkpoint in the Hugging Face layout")
                .hasMessageContaining("model.safetensors.index.json");

        Path ours = Checkpoints.write(tmp.resolve("trained"), "run", 5, 0);
        assertThatThrownBy(() -> registry.add(ours, null))
                .hasMessageContaining("is a checkpoint the workbench trained").hasMessageContaining("listed already");

        Path biased = HfFolder.write(tmp.resolve("biased"), 1, 1, "\"mlp_bias\": true,");
        assertThatThrownBy(() -> registry.add(biased, null))
                .hasMessageContaining("config.json").hasMessageContaining("mlp_bias");

        Path noWeights = HfFolder.write(tmp.resolve("no-weights"), 1);
        Files.delete(noWeights.resolve("model.safetensors"));
        assertThatThrownBy(() -> registry.add(noWeights, null))
                .hasMessageContaining("holds no weights").hasMessageContaining("model.safetensors");

        Path partial = HfFolder.write(tmp.resolve("partial"), 3, 2, "");
        assertThatThrownBy(() -> registry.add(partial, null))
                .hasMessageContaining("the weights lack 11 tensor(s)")
                .hasMessageContaining("model.layers.2.input_layernorm.weight")
                .hasMessageContaining("the download is incomplete");

        Path noTokenizer = HfFolder.write(tmp.resolve("no-tokenizer"), 1);
        Files.delete(noTokenizer.resolve("tokenizer.json"));
        assertThatThrownBy(() -> registry.add(noTokenizer, null))
                .hasMessageContaining("has no tokenizer.json").hasMessageContaining("same release");

        Path notJson = HfFolder.write(tmp.resolve("not-json"), 1);
        Files.writeString(notJson.resolve("config.json"), "{\"model_type\": ");
        assertThatThrownBy(() -> registry.add(notJson, null)).hasMessageContaining(notJson.resolve("config.json")
                .toString());

        assertThat(registry.list()).isEmpty();
        assertThat(registry.file()).doesNotExist();
    }

    @Test
    void aHandBrokenRegistryIsReportedWithTheFix() throws Exception {
        Path ws = tmp.resolve("ws");
        Files.createDirectories(ws.resolve("checkpoints"));
        Files.writeString(ws.resolve(ImportedCheckpoints.FILE), "{\"checkpoints\": [{\"name\": \"x\"}]}");
        assertThatThrownBy(() -> new ImportedCheckpoints(ws).list())
                .hasMessageContaining("entry 1 is not a registered checkpoint (field 'path' is missing")
                .hasMessageContaining("fix it, or remove it from the file");
        Files.writeString(ws.resolve(ImportedCheckpoints.FILE), "[oops");
        assertThatThrownBy(() -> new ImportedCheckpoints(ws).list()).hasMessageContaining("cannot be read as JSON")
                .hasMessageContaining("delete it and add the folders again");
    }

    @Test
    void aMissingFolderStaysListedAndSaysSo() throws Exception {
        ImportedCheckpoints registry = new ImportedCheckpoints(tmp.resolve("ws"));
        Path folder = HfFolder.write(tmp.resolve("moved"), 1);
        registry.add(folder, "moved");
        try (var s = Files.list(folder)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(folder);
        assertThat(registry.list()).singleElement().satisfies(e -> {
            assertThat(e.present()).isFalse();
            assertThat(e.label()).endsWith(" · folder missing");
        });
    }

    @Test
    void sizesReadAsPeopleSayThem() {
        assertThat(ImportedCheckpoints.ModelSummary.size(7_043_551_232L)).isEqualTo("7.0B");
        assertThat(ImportedCheckpoints.ModelSummary.size(34_600_000L)).isEqualTo("34.6M");
        assertThat(ImportedCheckpoints.ModelSummary.size(12_345L)).isEqualTo("12.3K");
        assertThat(ImportedCheckpoints.ModelSummary.size(999L)).isEqualTo("999");
    }
}
