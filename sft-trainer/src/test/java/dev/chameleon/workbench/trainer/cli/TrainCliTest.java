package dev.chameleon.workbench.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ExampleJson;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.curation.model.Source;
import dev.chameleon.workbench.trainer.train.RunOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine-bound (PyTorch CPU), fake tokenizers: {@code train --config FILE [--resume]} end to end on a text snapshot. */
@Tag("engine")
class TrainCliTest {

    @TempDir
    Path tmp;

    @Test
    void trainsWritesCheckpointsAndResumes() throws Exception {
        Path snapshot = tmp.resolve("v0001");
        Files.createDirectories(snapshot);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            Example e = Example.of(List.of(Message.text(Role.USER, "count " + i),
                    Message.text(Role.ASSISTANT, "ok " + (i + 1))), i % 3 == 0 ? Category.SAFETY : Category.TEXT,
                    new Source("s.jsonl", i + 1));
            lines.append(ExampleJson.toJson(e, sha -> "images/" + sha + ".png")).append('\n');
        }
        Files.writeString(snapshot.resolve("examples.jsonl"), lines);
        Files.writeString(snapshot.resolve("manifest.json"), "{\"content_hash\": \"abc123\"}");
        Path tokenizer = Files.writeString(tmp.resolve("tokenizer.json"), "{}");
        Path out = tmp.resolve("run");
        Path config = tmp.resolve("run.yaml");
        Files.writeString(config, String.join("\n",
                "# train --config run.yaml (test)",
                "model: tiny", "snapshot: " + snapshot, "text_tokenizer: " + tokenizer, "image_tokenizer: " + tmp,
                "mix: {text: 3.0, safety: 1.0}", "seq_len: 64", "batch_size: 2", "grad_accum: 1", "steps: 4",
                "lr: 1.0e-3", "min_lr: 1.0e-4", "warmup_steps: 1", "beta1: 0.9", "beta2: 0.95", "eps: 1.0e-5",
                "weight_decay: 0.1", "decay_norms_and_embeddings: false", "clip_norm: 1.0", "z_loss_weight: 1.0e-5",
                "dropout: 0.05", "seed: 3", "checkpoint_every: 2", "keep_last: 1", "out_dir: " + out, "devices: cpu", ""));

        RenderCliTest.Run r = RenderCliTest.run("train", "--config", config.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("rendered 12 examples").contains("step 4/4");
        assertThat(r.out()).contains("trained steps 1..4");
        assertThat(RunOutcome.read(out)).contains(RunOutcome.finished());
        assertThat(Files.readAllLines(out.resolve("metrics.jsonl"))).hasSize(4);
        Path ckpt = out.resolve("checkpoints/step-00000004");
        assertThat(Files.readString(ckpt.resolve("provenance.json"))).contains("abc123", "text:tokenizer.json");
        assertThat(Files.list(out.resolve("checkpoints")).count()).isEqualTo(1);

        RenderCliTest.Run again = RenderCliTest.run("train", "--config", config.toString(), "--resume");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.err()).contains("resumed from").contains("at step 4");

        Files.writeString(config, Files.readString(config).replace("beta2: 0.95", "beta2: 2"));
        RenderCliTest.Run bad = RenderCliTest.run("train", "--config", config.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).startsWith("error: ").contains("beta2");
        RunOutcome failed = RunOutcome.read(out).orElseThrow();
        assertThat(failed.isFinished()).isFalse();
        assertThat(failed.field()).isEqualTo("/beta2");
        assertThat("error: " + failed.reason()).isEqualTo(bad.err().strip());
    }
}
