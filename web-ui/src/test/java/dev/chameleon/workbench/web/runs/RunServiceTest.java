package dev.chameleon.workbench.web.runs;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.demo.DemoDataset;
import dev.chameleon.workbench.curation.io.Format;
import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportReport;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ExampleJson;
import dev.chameleon.workbench.trainer.train.StepMetrics;
import dev.chameleon.workbench.trainer.train.TrainConfig;
import dev.chameleon.workbench.web.TestData;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Engine-bound (PyTorch CPU, real child JVMs): a run on the demo dataset trains the workspace's tokenizers, then
 * the trainer; killing the trainer mid-run fails the run with the kill in its error; resuming finishes it from
 * the newest checkpoint; a restarted service rebuilds the runs from their folders.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("slow")
class RunServiceTest {

    private static Curation curation;
    private static RunService service;

    @BeforeAll
    static void workspace() throws Exception {
        Path dir = Files.createTempDirectory(TestData.buildDir("test-workspaces"), "runs-");
        curation = Curation.open(dir);
        smallDemo(curation, "small", 48);
        service = new RunService(curation, 1, "runs-test", "-Xmx512m");
    }

    /**
     * A demo dataset of {@code size} examples (the demo generator's own shapes and tasks, all accepted), imported
     * in the canonical format: a fraction of the default demo, so the trainer renders it in seconds.
     */
    static void smallDemo(Curation ws, String name, int size) throws Exception {
        DemoDataset demo = DemoDataset.generate(ws.images(), 42L, size);
        Path file = ws.root().resolve("small-demo.jsonl");
        StringBuilder lines = new StringBuilder();
        for (Example e : demo.train()) {
            lines.append(ExampleJson.toJson(e, sha -> sha.substring(0, 2) + "/" + sha)).append('\n');
        }
        Files.writeString(file, lines);
        ImportReport r = ws.importFile(name, file, ImportOptions.defaults().withFormat(Format.WORKBENCH)
                .withImageDirs(List.of(ws.images().dir())), dev.chameleon.workbench.curation.io.ImportProgress.NONE);
        assertThat(r.imported()).as(r.problems().toString()).isEqualTo(size);
        Files.delete(file);
    }

    @AfterAll
    static void close() {
        service.close();
        curation.close();
    }

    private static RunInfo await(String id, Duration timeout, String what, Predicate<RunInfo> done)
            throws InterruptedException {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            RunInfo r = service.run(id).orElseThrow();
            assertThat(done.test(r)).as(() -> what + " within " + timeout + "; now " + r.status() + "\nlog:\n"
                    + String.join("\n", service.logTail(id, 30))).isTrue();
        });
        return service.run(id).orElseThrow();
    }

    @Test
    @Order(2)
    void aRunKilledMidwayFailsVisiblyAndResumesToTheEnd() throws Exception {
        RunRequest request = service.defaults("small", "runs-test");
        RunInfo launched = service.launch(request);
        String id = launched.id();
        Path dir = launched.dir();
        assertThat(dir).isEqualTo(curation.root().resolve("runs").resolve(id));

        // run.yaml is the resolved config with absolute paths, readable by the trainer's own loader.
        TrainConfig config = TrainConfig.load(dir.resolve("run.yaml"));
        assertThat(Path.of(config.outDir())).isEqualTo(dir.toAbsolutePath());
        assertThat(Path.of(config.snapshot())).isAbsolute().startsWith(curation.root().resolve("snapshots/small"));
        assertThat(Path.of(config.textTokenizer())).isEqualTo(service.textTokenizer().toAbsolutePath());
        assertThat(Path.of(config.imageTokenizer())).isEqualTo(service.imageTokenizer().toAbsolutePath());
        assertThat(config.steps()).isEqualTo(30);
        assertThat(config.seqLen()).isEqualTo(128);

        // Tokenizers first (preparing), then the trainer; kill it from outside once a checkpoint exists.
        Path metrics = dir.resolve("metrics.jsonl");
        Awaitility.await("six steps in metrics.jsonl, or the run ended").atMost(Duration.ofSeconds(240))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> !service.run(id).orElseThrow().state().active()
                        || Files.isRegularFile(metrics) && Files.readAllLines(metrics).size() >= 6);
        RunInfo running = service.run(id).orElseThrow();
        assertThat(running.state()).as(String.join("\n", service.logTail(id, 30))).isEqualTo(RunState.RUNNING);
        assertThat(Files.isRegularFile(service.textTokenizer())).isTrue();
        assertThat(Files.isDirectory(service.imageTokenizer())).isTrue();
        assertThat(String.join("\n", service.logTail(id, 400)))
                .contains("training the text tokenizer").contains("training the image tokenizer");
        long pid = running.status().pid();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        RunInfo failed = await(id, Duration.ofSeconds(60), "failed after the kill", r -> !r.state().active());
        assertThat(failed.state()).isEqualTo(RunState.FAILED);
        assertThat(failed.status().exitCode()).isEqualTo(137);
        assertThat(failed.status().error()).contains("The trainer was killed (exit code 137, signal 9)")
                .contains("resume");
        assertThat(failed.status().step()).isLessThan(30);
        assertThat(Files.readString(dir.resolve("state.json"))).contains("\"state\" : \"failed\"");
        assertThat(service.checkpoints(id)).isNotEmpty();
        int killedAt = failed.status().step();

        service.resume(id);
        RunInfo done = await(id, Duration.ofSeconds(240), "succeeded", r -> !r.state().active());
        assertThat(done.state()).as(String.join("\n", service.logTail(id, 20))).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.status().launches()).isEqualTo(2);
        assertThat(done.status().error()).isNull();
        assertThat(String.join("\n", service.logTail(id, 400))).contains("resumed from");
        assertThat(done.metrics()).extracting(StepMetrics::step).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, 30).boxed().toList());
        assertThat(done.metrics()).allMatch(m -> Double.isFinite(m.loss()));
        assertThat(killedAt).isGreaterThanOrEqualTo(6);
        List<CheckpointRef> checkpoints = service.checkpoints(id);
        assertThat(checkpoints).extracting(CheckpointRef::step).containsExactly(25L, 30L);
        assertThat(checkpoints.get(1).dir()).isEqualTo(dir.resolve("checkpoints/step-00000030"));
        assertThat(service.checkpoints()).containsAll(checkpoints);

        // A run that was running when the workbench died, with no live process, comes back interrupted.
        Path ghost = curation.root().resolve("runs/ghost");
        Files.createDirectories(ghost);
        Files.writeString(ghost.resolve("state.json"), Files.readString(dir.resolve("state.json"))
                .replace("\"state\" : \"succeeded\"", "\"state\" : \"running\"")
                .replace("\"pid\" : null", "\"pid\" : " + deadPid())
                .replace("\"id\" : \"" + id + "\"", "\"id\" : \"ghost\""));
        Files.copy(dir.resolve("metrics.jsonl"), ghost.resolve("metrics.jsonl"));
        try (RunService restarted = new RunService(curation, 1, "runs-test", "-Xmx512m")) {
            RunInfo again = restarted.run(id).orElseThrow();
            assertThat(again.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(again.metrics()).hasSize(30);
            RunInfo interrupted = restarted.run("ghost").orElseThrow();
            assertThat(interrupted.state()).isEqualTo(RunState.INTERRUPTED);
            assertThat(interrupted.state().resumable()).isTrue();
            assertThat(interrupted.status().error()).contains("resume");
        }
    }

    @Test
    @Order(1) // before the workspace has tokenizers
    void settingsThatCannotTrainNameTheirField() {
        RunRequest ok = service.defaults("small", "runs-test");
        assertThat(fieldOf(ok.withSteps(0))).isEqualTo("steps");
        assertThat(fieldOf(ok.withLr(-1))).isEqualTo("lr");
        assertThat(fieldOf(ok.withSeqLen(0))).isEqualTo("seq_len");
        assertThat(fieldOf(ok.withModel("huge"))).isEqualTo("model");
        assertThat(fieldOf(ok.withMix(Map.of("text", 0.0)))).isEqualTo("mix");
        assertThat(fieldOf(ok.withMix(Map.of("text", 1.0, "code", -2.0)))).isEqualTo("mix.code");
        assertThat(fieldOf(new RunRequest("nope", "runs-test", "tiny", 10, 1e-3, 64, Map.of("text", 1.0))))
                .isEqualTo("dataset");
        assertThatThrownBy(() -> service.validate(ok.withSteps(0))).hasMessageContaining("steps (0) must be");
        // Until the workspace has an image tokenizer, the window must hold one of the preset's images (66 tokens).
        assertThat(fieldOf(ok.withSeqLen(64))).isEqualTo("seq_len");
        assertThatThrownBy(() -> service.validate(ok.withSeqLen(64))).hasMessageContaining("use at least 128");
        Map<String, Double> textOnly = Map.of("text", 1.0, "visual_chat", 0.0);
        service.validate(ok.withSeqLen(64).withMix(textOnly));
        // Fewer steps than the preset's warm-up shorten the warm-up instead of failing.
        service.validate(ok.withSteps(2));
        Path p = Path.of("/x");
        assertThat(service.resolve(ok.withSteps(2), p, p, p, p).warmupSteps()).isEqualTo(0);
        assertThat(service.resolve(ok.withSteps(600), p, p, p, p).warmupSteps()).isEqualTo(100);
    }

    @Test
    void runYamlIsTheResolvedConfigInSnakeCase() {
        RunRequest r = service.defaults("small", "runs-test").withLr(2e-3);
        TrainConfig c = service.resolve(r, Path.of("/s"), Path.of("/t.json"), Path.of("/i"), Path.of("/o"));
        assertThat(c.minLr()).isEqualTo(2e-4, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(c.warmupSteps()).isEqualTo(5);
    }

    private static String fieldOf(RunRequest r) {
        try {
            service.validate(r);
            return null;
        } catch (InvalidRunException e) {
            return e.field();
        }
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
