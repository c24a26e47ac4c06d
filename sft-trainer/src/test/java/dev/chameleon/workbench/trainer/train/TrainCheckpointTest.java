package dev.chameleon.workbench.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(last.resolve(Checkpoints.MODEL)).isRegularFile();
        assertThat(last.resolve(Checkpoints.OPTIMIZER)).isRegularFile();
        String prov = Files.readString(last.resolve(Checkpoints.PROVENANCE));
        assertThat(prov).contains("\"step\" : 7", "\"seed\" : 7", "\"snapshot_hash\"", "\"config_sha256\"",
                "\"tokenizers\"", "\"code_version\"", "\"djl\" : \"0.36.0\"", "resolved_config", "grad_accum: 2");
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertThat(lines).hasSize(7);
        assertThat(lines.get(0)).contains("\"step\":1", "\"loss\":", "\"per_category\":", "\"lr\":",
                "\"grad_norm\":", "\"tokens_per_second\":", "\"fill\":", "\"per_modality\":");
    }

    @Test
    void anUnfinishedWriteNeverReplacesTheLastGoodCheckpoint() throws Exception {
        TrainConfig c = TrainFixtures.config(out, 2, 1e-3, 1, 0.0, 2, 3);
        TrainFixtures.run(c, false, null);
        Checkpoints ck = new Checkpoints(out, 3);
        // A crash mid-write leaves a temp folder with a half-written model file.
        Path tmp = ck.dir().resolve(".tmp-step-00000004");
        Files.createDirectories(tmp);
        Files.write(tmp.resolve(Checkpoints.MODEL), new byte[] {1, 2, 3});
        assertThat(ck.latest()).get().extracting(p -> p.getFileName().toString()).isEqualTo("step-00000002");
        ck.removeUnfinished();
        assertThat(tmp).doesNotExist();
        assertThat(ck.list()).hasSize(1);
    }
}
