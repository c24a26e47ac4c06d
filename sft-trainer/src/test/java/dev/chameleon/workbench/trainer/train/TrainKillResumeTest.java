package dev.chameleon.workbench.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ExampleJson;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.curation.model.Source;
import dev.chameleon.workbench.trainer.checkpoint.CheckpointInfo;
import dev.chameleon.workbench.trainer.cli.SftTrainerMain;
import dev.chameleon.workbench.trainer.tokens.image.VqConfig;
import dev.chameleon.workbench.trainer.tokens.image.VqTrainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Engine-bound (PyTorch CPU), separate JVMs, about half a minute: {@code train --config FILE} is killed with SIGKILL
 * ({@link Process#destroyForcibly()}) after a checkpoint and a few steps past it, then {@code train --config FILE
 * --resume} finishes the run; every step's loss in metrics.jsonl equals the loss of an uninterrupted run in another
 * out_dir. Dropout is on, so the resumed run must also restore the random stream.
 *
 * <p>Synthetic data generated here (short text conversations); a real BPE tokenizer trained on it and an untrained
 * tiny VQ image tokenizer (the snapshot has no images; the codebook only sizes the vocabulary).
 */
@Tag("slow")
class TrainKillResumeTest {

    private static final int STEPS = 150;
    private static final int CHECKPOINT_EVERY = 10;

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void killedRunResumesToTheUninterruptedLosses() throws Exception {
        Path whole = config("whole");
        Path broken = config("broken");

        Process reference = start(whole, false, "whole");
        Process victim = start(broken, false, "broken");
        // Kill once a checkpoint exists and at least 3 steps past it are in metrics.jsonl.
        Path metrics = tmp.resolve("broken/metrics.jsonl");
        Path checkpoints = tmp.resolve("broken/checkpoints");
        int linesAtKill = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    assertThat(victim.isAlive()).as("the run is still running (log: %s)", log("broken")).isTrue();
                    int lines = Files.isRegularFile(metrics) ? Files.readAllLines(metrics).size() : 0;
                    return lines >= CHECKPOINT_EVERY + 3 && CheckpointInfo.latest(tmp.resolve("broken")).isPresent()
                            ? lines : -1;
                }, lines -> lines > 0);
        victim.destroyForcibly();
        assertThat(linesAtKill).as("the run was killed mid-way (log: %s)", log("broken")).isPositive();
        assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(victim.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        List<Double> cut = losses(metrics);
        long checkpointStep = CheckpointInfo.latest(tmp.resolve("broken")).orElseThrow().step();
        assertThat(cut.size()).as("steps written before the kill").isLessThan(STEPS)
                .isGreaterThan((int) checkpointStep);

        Process resumed = start(broken, true, "resumed");
        assertThat(resumed.waitFor(90, TimeUnit.SECONDS)).as(log("resumed")).isTrue();
        assertThat(resumed.exitValue()).as(log("resumed")).isZero();
        assertThat(log("resumed")).contains("resumed from").contains("at step " + checkpointStep);
        assertThat(reference.waitFor(90, TimeUnit.SECONDS)).as(log("whole")).isTrue();
        assertThat(reference.exitValue()).as(log("whole")).isZero();

        List<Double> expected = losses(tmp.resolve("whole/metrics.jsonl"));
        List<Double> actual = losses(metrics);
        assertThat(expected).hasSize(STEPS);
        assertThat(actual).hasSize(STEPS); // each step once: the lines past the checkpoint were rewritten
        for (int i = 0; i < STEPS; i++) {
            assertThat(actual.get(i)).as("loss at step %d", i + 1).isCloseTo(expected.get(i),
                    org.assertj.core.api.Assertions.within(1e-6));
        }
    }

    /** Losses by step from a metrics.jsonl, checking the steps are 1, 2, 3, ... */
    private static List<Double> losses(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Double> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = json.readTree(line);
            } catch (IOException e) {
                continue; // the line the kill cut short
            }
            assertThat(n.get("step").asInt()).isEqualTo(out.size() + 1);
            out.add(n.get("loss").asDouble());
        }
        return out;
    }

    private Process start(Path config, boolean resume, String name) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Djava.awt.headless=true", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), SftTrainerMain.class.getName(),
                "train", "--config", config.toString()));
        if (resume) {
            cmd.add("--resume");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile());
        // One OpenMP thread each: two trainers run side by side, and spinning OpenMP workers of several processes
        // on a few cores slow every one of them down by orders of magnitude. The same setting in every process
        // also keeps the float reductions, hence the losses, identical between them.
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        started.add(p);
        return p;
    }

    @AfterEach
    void stopProcesses() {
        started.forEach(Process::destroyForcibly);
    }

    private String log(String name) {
        try {
            return Files.readString(tmp.resolve(name + ".log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Writes the shared snapshot and tokenizers once, then a run config for out_dir tmp/NAME. */
    private Path config(String name) throws Exception {
        Path snapshot = tmp.resolve("snapshot");
        Path tokenizer = tmp.resolve("tokenizer.json");
        Path image = tmp.resolve("image-tokenizer.ckpt");
        Path model = tmp.resolve("model.yaml");
        if (!Files.exists(snapshot)) {
            Files.createDirectories(snapshot);
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                Example e = Example.of(List.of(Message.text(Role.USER, "count from " + i + " please"),
                        Message.text(Role.ASSISTANT, (i + 1) + " " + (i + 2) + " " + (i + 3) + " and so on")),
                        i % 4 == 0 ? Category.CODE : Category.TEXT, new Source("s.jsonl", i + 1));
                lines.append(ExampleJson.toJson(e, sha -> "images/" + sha + ".png")).append('\n');
            }
            Files.writeString(snapshot.resolve("examples.jsonl"), lines);
            Files.writeString(snapshot.resolve("manifest.json"), "{\"content_hash\": \"kill-test\"}");
            int exit = SftTrainerMain.commandLine().execute("train-text-tokenizer", "--input",
                    snapshot.toString(), "--vocab-size", "320", "--codebook-size",
                    String.valueOf(VqConfig.tiny().codebookSize()), "--out", tokenizer.toString());
            assertThat(exit).as("train-text-tokenizer").isZero();
            try (VqTrainer vq = VqTrainer.create(VqConfig.tiny(), VqTrainer.Options.defaults())) {
                vq.save(image, Map.of());
            }
            Files.writeString(model, String.join("\n", "# tiny model of TrainKillResumeTest",
                    "vocab_size: 320", "hidden: 32", "layers: 1", "heads: 2", "kv_heads: 2", "ffn_hidden: 64",
                    "max_context: 64", "rope_theta: 10000", "rms_eps: 1.0e-5", "qk_norm: true",
                    "norm_reordering: false", "dropout: 0.0", "z_loss_weight: 1.0e-5", "tied_embeddings: false", ""));
        }
        Path config = tmp.resolve(name + ".yaml");
        Files.writeString(config, String.join("\n",
                "# train --config " + name + ".yaml (TrainKillResumeTest)",
                "model: " + model, "snapshot: " + snapshot, "text_tokenizer: " + tokenizer,
                "image_tokenizer: " + image, "mix: {text: 3.0, code: 1.0}", "seq_len: 64", "batch_size: 2",
                "grad_accum: 2", "steps: " + STEPS, "lr: 3.0e-3", "min_lr: 3.0e-4", "warmup_steps: 5", "beta1: 0.9",
                "beta2: 0.95", "eps: 1.0e-5", "weight_decay: 0.1", "decay_norms_and_embeddings: false",
                "clip_norm: 1.0", "z_loss_weight: 1.0e-5", "dropout: 0.1", "seed: 11",
                "checkpoint_every: " + CHECKPOINT_EVERY, "keep_last: 2", "out_dir: " + tmp.resolve(name),
                "devices: cpu", ""), StandardCharsets.UTF_8);
        return config;
    }
}
