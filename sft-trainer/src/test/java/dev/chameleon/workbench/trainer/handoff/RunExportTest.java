package dev.chameleon.workbench.trainer.handoff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chameleon.workbench.trainer.hf.safetensors.Dtype;
import dev.chameleon.workbench.trainer.hf.safetensors.SafetensorsFile;
import dev.chameleon.workbench.trainer.hf.safetensors.TensorInfo;
import dev.chameleon.workbench.trainer.pack.PackedWindow;
import dev.chameleon.workbench.trainer.recipe.SftRecipe;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import dev.chameleon.workbench.trainer.train.Provenance;
import dev.chameleon.workbench.trainer.train.TrainConfig;
import dev.chameleon.workbench.trainer.train.WindowStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The export of a run's data: the windows in the shards are the windows the trainer's stream draws for the run's
 * seed, with labels, positions and documents as docs/handoff.md says; the manifest, recipe and tokenizers are
 * there; a non-empty folder, a missing tokenizer and a cancel leave nothing written.
 */
@Tag("unit")
class RunExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** The rows of one window as read back from the shards. */
    record Row(int[] inputIds, int[] labels, int[] positionIds, int[] documentIds) {
    }

    @Test
    void shardsHoldTheWindowsTheTrainerDrawsForTheSeed() throws Exception {
        // 3 steps of 2 x 2 windows = 12 windows, in shards of 5, 5 and 2.
        Path runYaml = HandoffFixtures.writeRun(tmp.resolve("run"), tmp.resolve("data"), 3, 2, 2, 77);
        Path out = tmp.resolve("export");
        RunExport.Result r = RunExport.write(runYaml, out, new RunExport.Options(0, 5, Dtype.F32), HandoffFixtures.loader(),
                RunExport.Listener.SILENT, () -> false);
        assertThat(r.windows()).isEqualTo(12);
        assertThat(r.shards()).isEqualTo(3);

        TrainConfig c = TrainConfig.load(runYaml);
        List<Row> rows = readWindows(out);
        assertThat(rows).hasSize(12);
        WindowStream stream = trainersStream(c);
        int t = HandoffFixtures.SEQ_LEN;
        long labelled = 0;
        long trainerLossTokens = 0;
        int windowsWithSeveralDocuments = 0;
        for (int i = 0; i < rows.size(); i++) {
            PackedWindow w = stream.window(i);
            Row row = rows.get(i);
            assertThat(row.inputIds()).as("input_ids of window %d", i).containsExactly(w.tokens());
            assertThat(row.positionIds()).as("position_ids of window %d", i).containsExactly(w.positionIds());
            assertThat(row.documentIds()).as("document_ids of window %d", i).containsExactly(w.documentIds());
            boolean[] loss = w.lossMask();
            int[] doc = w.documentIds();
            windowsWithSeveralDocuments += w.documents() > 1 ? 1 : 0;
            for (int k = 0; k < t; k++) {
                // Positions restart at every document start and are 0 on padding.
                boolean starts = doc[k] == PackedWindow.PAD_DOCUMENT || k == 0 || doc[k] != doc[k - 1];
                assertThat(row.positionIds()[k] == 0).as("position restart at %d of window %d", k, i).isEqualTo(starts);
                // The label is the token exactly where the trainer counts it (it predicts token k from k-1 of
                // the same document, Batch.fill), and -100 everywhere else.
                boolean trained = k > 0 && loss[k] && doc[k] == doc[k - 1] && doc[k - 1] != PackedWindow.PAD_DOCUMENT;
                assertThat(row.labels()[k]).as("label at %d of window %d", k, i)
                        .isEqualTo(trained ? w.tokens()[k] : WindowShards.IGNORE);
                if (!loss[k]) {
                    assertThat(row.labels()[k]).isEqualTo(-100);
                }
                labelled += row.labels()[k] == -100 ? 0 : 1;
                trainerLossTokens += trained ? 1 : 0;
            }
        }
        assertThat(windowsWithSeveralDocuments).as("the fixture packs several documents into a window").isPositive();
        assertThat(labelled).isPositive().isEqualTo(trainerLossTokens).isEqualTo(r.labelledTokens());

        JsonNode m = JSON.readTree(out.resolve(RunExport.MANIFEST).toFile());
        assertThat(m.get("labelled_tokens").asLong()).isEqualTo(labelled);
    }

    @Test
    void manifestRecipeTokenizersAndReadme() throws Exception {
        Path runYaml = HandoffFixtures.writeRun(tmp.resolve("run"), tmp.resolve("data"), 4, 3, 1, 5);
        Path out = tmp.resolve("export");
        RunExport.write(runYaml, out, RunExport.Options.recipe(), HandoffFixtures.loader(), RunExport.Listener.SILENT,
                () -> false);
        TrainConfig c = TrainConfig.load(runYaml);
        VocabularyLayout layout = HandoffFixtures.loader().text(null).layout();

        JsonNode m = JSON.readTree(out.resolve(RunExport.MANIFEST).toFile());
        assertThat(m.get("format").asText()).isEqualTo("chameleon-workbench-packed-windows");
        assertThat(m.get("format_version").asInt()).isEqualTo(1);
        assertThat(m.get("window_length").asInt()).isEqualTo(HandoffFixtures.SEQ_LEN);
        assertThat(m.get("windows").asLong()).isEqualTo(12);
        assertThat(m.get("windows_per_step").asInt()).isEqualTo(3);
        assertThat(m.get("steps_covered").asLong()).isEqualTo(4);
        assertThat(m.get("recipe_steps").asInt()).isEqualTo(4);
        assertThat(m.get("seed").asLong()).isEqualTo(5);
        assertThat(m.get("labels").asText()).isEqualTo("unshifted");
        assertThat(m.get("ignore_index").asInt()).isEqualTo(-100);
        assertThat(m.get("pad_document_id").asInt()).isEqualTo(-1);
        assertThat(m.get("vocab_size").asInt()).isEqualTo(layout.size());
        assertThat(m.get("token_ids").get("pad").asInt()).isEqualTo(layout.pad());
        assertThat(m.get("token_ids").get("begin_image").asInt()).isEqualTo(layout.beginImage());
        assertThat(m.get("token_ids").get("end_image").asInt()).isEqualTo(layout.endImage());
        assertThat(m.get("image_token_range").get("start").asInt()).isEqualTo(layout.imageCodeStart());
        assertThat(m.get("image_token_range").get("stop").asInt())
                .isEqualTo(layout.imageCodeStart() + HandoffFixtures.CODEBOOK);
        assertThat(m.get("checkpoint").isNull()).as("the fixture's run has not trained").isTrue();
        assertThat(m.get("provenance").get("snapshot_hash").asText()).isEqualTo("sha256:fixture");
        assertThat(m.get("provenance").get("tokenizers").get("text:tokenizer.json").asText())
                .isEqualTo(Provenance.sha256(Path.of(c.textTokenizer())));
        JsonNode shards = m.get("shards");
        assertThat(shards).hasSize(1);
        Path shard = out.resolve(shards.get(0).get("file").asText());
        assertThat(shards.get(0).get("sha256").asText()).isEqualTo(Provenance.sha256(shard));
        assertThat(shards.get(0).get("first_window").asLong()).isZero();
        assertThat(shards.get(0).get("windows").asInt()).isEqualTo(12);
        try (SafetensorsFile f = SafetensorsFile.open(shard)) {
            assertThat(f.metadata()).containsEntry("first_window", "0").containsEntry("windows", "12");
            for (TensorInfo info : f.tensors()) {
                assertThat(info.dtype()).as(info.name()).isEqualTo(Dtype.I32);
                assertThat(info.shape()).as(info.name()).containsExactly(12, HandoffFixtures.SEQ_LEN);
            }
            assertThat(f.names()).containsExactlyInAnyOrder("input_ids", "labels", "position_ids", "document_ids");
        }

        String recipe = Files.readString(out.resolve(RunExport.RECIPE));
        String resolved = Provenance.resolvedConfig(c, SftRecipe.model(c, HandoffFixtures.loader().text(null)));
        assertThat(recipe).startsWith("#").endsWith(resolved).contains(Provenance.sha256(
                resolved.getBytes(StandardCharsets.UTF_8)));
        assertThat(out.resolve("tokenizers/tokenizer.json")).hasSameTextualContentAs(Path.of(c.textTokenizer()));
        assertThat(out.resolve("tokenizers/image/image-tokenizer.ckpt")).exists();
        String readme = Files.readString(out.resolve(RunExport.README));
        assertThat(readme).contains("T = " + HandoffFixtures.SEQ_LEN).contains("N = 12 windows (4 steps)")
                .contains("load_file").contains("position_ids");
        assertThat(siblings()).containsExactlyInAnyOrder("data", "export", "run");
    }

    @Test
    void windowsOptionExportsTheFirstNWindows() throws Exception {
        Path runYaml = HandoffFixtures.writeRun(tmp.resolve("run"), tmp.resolve("data"), 50, 4, 1, 9);
        List<Row> all = new ArrayList<>();
        Path out = tmp.resolve("export");
        RunExport.Result r = RunExport.write(runYaml, out, new RunExport.Options(6, 0, Dtype.F32), HandoffFixtures.loader(),
                RunExport.Listener.SILENT, () -> false);
        assertThat(r.windows()).isEqualTo(6);
        all.addAll(readWindows(out));
        assertThat(all).hasSize(6);
        JsonNode m = JSON.readTree(out.resolve(RunExport.MANIFEST).toFile());
        assertThat(m.get("steps_covered").asLong()).isEqualTo(1);
        assertThat(m.get("recipe_steps").asInt()).isEqualTo(50);
        WindowStream stream = trainersStream(TrainConfig.load(runYaml));
        assertThat(all.get(5).inputIds()).containsExactly(stream.window(5).tokens());
    }

    @Test
    void anEmptyFolderIsTakenANonEmptyOneRefused() throws Exception {
        Path runYaml = HandoffFixtures.writeRun(tmp.resolve("run"), tmp.resolve("data"), 1, 1, 1, 1);
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        RunExport.write(runYaml, empty, RunExport.Options.recipe(), HandoffFixtures.loader(), RunExport.Listener.SILENT,
                () -> false);
        assertThat(empty.resolve(RunExport.MANIFEST)).exists();

        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> RunExport.write(runYaml, full, RunExport.Options.recipe(), HandoffFixtures.loader(),
                RunExport.Listener.SILENT, () -> false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(full.toString()).hasMessageContaining("is not empty")
                .hasMessageContaining("new or empty folder");
        assertThat(full.resolve("notes.txt")).hasContent("mine");
        try (Stream<Path> s = Files.list(full)) {
            assertThat(s.toList()).hasSize(1);
        }
    }

    @Test
    void aMissingTokenizerIsNamedWithItsField() throws Exception {
        Path runYaml = HandoffFixtures.writeRun(tmp.resolve("run"), tmp.resolve("data"), 1, 1, 1, 1);
        Files.delete(tmp.resolve("data/tokenizer.json"));
        assertThatThrownBy(() -> RunExport.write(runYaml, tmp.resolve("export"), RunExport.Options.recipe(),
                HandoffFixtures.loader(), RunExport.Listener.SILENT, () -> false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(runYaml.toString()).hasMessageContaining("text_tokenizer")
                .hasMessageContaining("does not exist");
        assertThat(tmp.resolve("export")).doesNotExist();
    }

    @Test
    void aCancelledExportLeavesNothing() throws Exception {
        Path runYaml = HandoffFixtures.writeRun(tmp.resolve("run"), tmp.resolve("data"), 10, 2, 1, 3);
        Path out = tmp.resolve("export");
        AtomicLong written = new AtomicLong();
        RunExport.Listener counting = new RunExport.Listener() {
            @Override
            public void phase(String line) {
            }

            @Override
            public void imagesEncoded(int done) {
            }

            @Override
            public void windowsWritten(long done, long total) {
                written.set(done);
            }
        };
        assertThatThrownBy(() -> RunExport.write(runYaml, out, new RunExport.Options(0, 4, Dtype.F32), HandoffFixtures.loader(),
                counting, () -> written.get() >= 7))
                .isInstanceOf(ExportCancelledException.class);
        assertThat(written.get()).isEqualTo(7);
        assertThat(out).doesNotExist();
        assertThat(siblings()).containsExactlyInAnyOrder("data", "run");
    }

    /** The stream the trainer builds for {@code c} over the examples its recipe renders. */
    private static WindowStream trainersStream(TrainConfig c) throws IOException {
        TextTokenizer text = HandoffFixtures.loader().text(null);
        try (ImageTokenizer image = HandoffFixtures.loader().image(null)) {
            return WindowStream.of(c, SftRecipe.render(c, text, image, n -> { }).examples(), text.layout().pad());
        }
    }

    /** Every window of an export, in order, read through the project's safetensors reader. */
    private static List<Row> readWindows(Path out) throws IOException {
        JsonNode m = JSON.readTree(out.resolve(RunExport.MANIFEST).toFile());
        int t = m.get("window_length").asInt();
        List<Row> rows = new ArrayList<>();
        for (JsonNode s : m.get("shards")) {
            try (SafetensorsFile f = SafetensorsFile.open(out.resolve(s.get("file").asText()))) {
                int n = (int) f.tensor("input_ids").shape()[0];
                assertThat(n).isEqualTo(s.get("windows").asInt());
                assertThat(rows).hasSize(s.get("first_window").asInt());
                int[][] tensors = new int[4][];
                String[] names = {"input_ids", "labels", "position_ids", "document_ids"};
                for (int k = 0; k < 4; k++) {
                    IntBuffer b = f.readRaw(names[k]).asIntBuffer();       // (n, T) int32
                    tensors[k] = new int[b.remaining()];
                    b.get(tensors[k]);
                }
                for (int i = 0; i < n; i++) {
                    rows.add(new Row(Arrays.copyOfRange(tensors[0], i * t, (i + 1) * t),
                            Arrays.copyOfRange(tensors[1], i * t, (i + 1) * t),
                            Arrays.copyOfRange(tensors[2], i * t, (i + 1) * t),
                            Arrays.copyOfRange(tensors[3], i * t, (i + 1) * t)));
                }
            }
        }
        return rows;
    }

    private List<String> siblings() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
