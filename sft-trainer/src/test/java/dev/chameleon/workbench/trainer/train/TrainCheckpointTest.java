package dev.chameleon.workbench.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import dev.chameleon.workbench.trainer.checkpoint.CheckpointInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine-bound (PyTorch CPU): checkpoints are atomic, pruned to keep-last-N, and carry provenance. */
@Tag("engine")
class TrainCheckpointTest {

    @TempDir
    Path out;

    @Test
    void keepsLastNAndWritesProvenanceAndMetrics() throws Exception {
        TrainConfig c = TrainFixtures.config(out, 7, 1e-3, 2, 0.0, 2, 2);
        SftRun.Result r = TrainFixtures.run(c, false, null);
        List<String> names = r.checkpoints().stream().map(p -> p.getFileName().toString()).toList();
        assertThat(names).containsExactly("step-00000006", "step-00000007"); // every 2 steps and the last, keep 2
        Path last = r.checkpoints().get(1);
        assertThat(last.resolve(Checkpoint.MODEL)).isRegularFile();
        assertThat(last.resolve(Checkpoint.OPTIMIZER)).isRegularFile();
        JsonNode prov = new ObjectMapper().readTree(Checkpoint.readProvenance(last));
        assertThat(prov.path("step").asLong()).isEqualTo(7);
        assertThat(prov.path("seed").asLong()).isEqualTo(7);
        assertThat(prov.fieldNames()).toIterable().contains("snapshot_hash", "config_sha256", "tokenizers",
                "code_version");
        assertThat(prov.path("libraries").path("djl").asText()).isEqualTo("0.36.0");
        assertThat(prov.path("resolved_config").asText()).contains("grad_accum: 2");
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertThat(lines).hasSize(7);
        assertThat(lines.get(0)).contains("\"step\":1", "\"loss\":", "\"per_category\":", "\"lr\":",
                "\"grad_norm\":", "\"tokens_per_second\":", "\"fill\":", "\"per_modality\":");
    }

    @Test
    void anUnfinishedWriteNeverReplacesTheLastGoodCheckpoint() throws Exception {
        TrainConfig c = TrainFixtures.config(out, 2, 1e-3, 1, 0.0, 2, 3);
        TrainFixtures.run(c, false, null);
        // A crash mid-write leaves a temp folder with a half-written model file.
        Path tmp = Checkpoint.folder(out).resolve(".tmp-step-00000004");
        Files.createDirectories(tmp);
        Files.write(tmp.resolve(Checkpoint.MODEL), new byte[] {1, 2, 3});
        assertThat(CheckpointInfo.latest(out)).get().extracting(CheckpointInfo::step).isEqualTo(2L);
        Checkpoint.removeUnfinished(out);
        assertThat(tmp).doesNotExist();
        assertThat(CheckpointInfo.ofRun(out)).hasSize(1);
    }
}
