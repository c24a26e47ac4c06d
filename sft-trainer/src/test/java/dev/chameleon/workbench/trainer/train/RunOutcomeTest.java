package dev.chameleon.workbench.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chameleon.workbench.trainer.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's outcome is data: written whole as outcome.json, read back as it was, absent while there is none. */
@Tag("unit")
class RunOutcomeTest {

    @TempDir
    Path run;

    @Test
    void aFailureIsWrittenAsJsonAndReadBack() throws Exception {
        assertThat(RunOutcome.read(run)).isEmpty();
        RunOutcome failed = RunOutcome.failed("run.yaml:3, field /beta2: must be below 1", "/beta2");
        failed.write(run);
        JsonNode json = new ObjectMapper().readTree(run.resolve(RunOutcome.FILE).toFile());
        assertThat(json.path("status").asText()).isEqualTo("failed");
        assertThat(json.path("reason").asText()).isEqualTo("run.yaml:3, field /beta2: must be below 1");
        assertThat(json.path("field").asText()).isEqualTo("/beta2");
        assertThat(RunOutcome.read(run)).contains(failed);
        assertThat(Files.list(run).map(p -> p.getFileName().toString())).containsExactly(RunOutcome.FILE);
    }

    @Test
    void aFinishedRunHasNoReasonAndReplacesAnEarlierFailure() throws Exception {
        RunOutcome.failed("killed", null).write(run);
        RunOutcome.finished().write(run);
        assertThat(RunOutcome.read(run)).hasValueSatisfying(o -> {
            assertThat(o.isFinished()).isTrue();
            assertThat(o.reason()).isNull();
            assertThat(o.field()).isNull();
        });
        assertThat(Files.readString(run.resolve(RunOutcome.FILE))).doesNotContain("reason", "field");
        RunOutcome.clear(run);
        assertThat(RunOutcome.read(run)).isEmpty();
    }

    @Test
    void anUnknownStatusIsRefused() {
        assertThatThrownBy(() -> new RunOutcome("done", null, null)).hasMessageContaining("finished or failed");
    }

    @Test
    void theOutDirOfAConfigThatFailsValidationIsStillFound() throws Exception {
        Path config = Files.writeString(run.resolve("run.yaml"), "out_dir: " + run.resolve("out") + "\nbeta2: 2\n");
        assertThat(RunOutcome.outDirOf(config)).contains(run.resolve("out"));
        assertThat(RunOutcome.outDirOf(Files.writeString(run.resolve("bad.yaml"), "out_dir: [\n"))).isEmpty();
        assertThat(RunOutcome.outDirOf(run.resolve("missing.yaml"))).isEmpty();
    }

    @Test
    void aValidationErrorNamesItsField() throws Exception {
        Path config = run.resolve("run.yaml");
        Files.writeString(config, String.join("\n",
                "model: tiny", "snapshot: none", "text_tokenizer: none", "image_tokenizer: none",
                "mix: {text: 1.0}", "seq_len: 64", "batch_size: 2", "grad_accum: 1", "steps: 4",
                "lr: 1.0e-3", "min_lr: 1.0e-4", "warmup_steps: 1", "beta1: 0.9", "beta2: 2", "eps: 1.0e-5",
                "weight_decay: 0.1", "decay_norms_and_embeddings: false", "clip_norm: 1.0", "z_loss_weight: 1.0e-5",
                "dropout: 0.05", "seed: 3", "checkpoint_every: 2", "keep_last: 1", "out_dir: " + run, "devices: cpu",
                ""));
        assertThatThrownBy(() -> TrainConfig.load(config)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.field()).isEqualTo("/beta2"));
        Files.writeString(config, Files.readString(config).replace("beta2: 2", "beta2: 0.9\nbeta3: 1"));
        assertThatThrownBy(() -> TrainConfig.load(config)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.field()).isEqualTo("/beta3"));
    }
}
