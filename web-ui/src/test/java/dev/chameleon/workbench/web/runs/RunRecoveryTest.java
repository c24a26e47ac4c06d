package dev.chameleon.workbench.web.runs;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.web.TestData;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restarted workbench rebuilds its runs from the run folders: a trainer that outlived the old workbench is
 * watched to its end (succeeded when its last step is in, interrupted otherwise); a queued run queues again.
 * The "trainers" here are shell processes whose command line names the run folder, as the real one does.
 */
@Tag("slow")
class RunRecoveryTest {

    private Curation curation;
    private Path runs;

    @BeforeEach
    void workspace() throws Exception {
        curation = Curation.open(Files.createTempDirectory(TestData.buildDir("test-workspaces"), "recovery-"));
        runs = curation.root().resolve("runs");
    }

    @AfterEach
    void close() {
        curation.close();
    }

    /** A run folder whose state.json says running, with a live process writing {@code written} of 3 steps. */
    private Process orphan(String id, int written) throws Exception {
        Path dir = Files.createDirectories(runs.resolve(id));
        StringBuilder script = new StringBuilder("sleep 1.5; ");
        for (int i = 1; i <= written; i++) {
            script.append("echo '{\"step\":").append(i).append(",\"loss\":1.0,\"lr\":0.001}' >> metrics.jsonl; ");
        }
        Process p = new ProcessBuilder("/bin/sh", "-c", script.toString(), "sh", dir.resolve("run.yaml").toString())
                .directory(dir.toFile()).start();
        state(dir, id, "running", p.pid());
        return p;
    }

    private static void state(Path dir, String id, String state, Long pid) throws Exception {
        Files.writeString(dir.resolve("state.json"), "{\"id\":\"" + id + "\",\"dataset\":\"d\",\"preset\":\"demo\","
                + "\"snapshot\":\"/nowhere\",\"state\":\"" + state + "\",\"pid\":" + pid + ",\"created_at\":\""
                + Instant.now() + "\",\"step\":0,\"steps\":3,\"launches\":1}");
    }

    private static RunInfo await(RunService service, String id, Duration timeout) throws InterruptedException {
        return Awaitility.await("run " + id + " ends").atMost(timeout).pollInterval(Duration.ofMillis(50))
                .until(() -> service.run(id).orElseThrow(), r -> !r.state().active());
    }

    @Test
    void aTrainerThatOutlivedTheWorkbenchIsWatchedToItsEnd() throws Exception {
        Process finishing = orphan("finishing", 3);
        Process stopping = orphan("stopping", 1);
        try (RunService service = new RunService(curation, 1, "demo", "")) {
            assertThat(service.run("finishing").orElseThrow().state()).isEqualTo(RunState.RUNNING);
            RunInfo done = await(service, "finishing", Duration.ofSeconds(20));
            assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(done.status().step()).isEqualTo(3);
            RunInfo cut = await(service, "stopping", Duration.ofSeconds(20));
            assertThat(cut.state()).isEqualTo(RunState.INTERRUPTED);
            assertThat(cut.status().error()).contains("stopped at step 1 of 3").contains("resume");
            assertThat(Files.readString(runs.resolve("stopping/state.json"))).contains("\"state\" : \"interrupted\"");
        } finally {
            finishing.destroyForcibly();
            stopping.destroyForcibly();
        }
    }

    @Test
    void aQueuedRunQueuesAgainAndAnUnknownPidIsNotAdopted() throws Exception {
        Path queued = Files.createDirectories(runs.resolve("queued"));
        state(queued, "queued", "queued", null);
        Files.writeString(queued.resolve("log.txt"), "");
        // A live process that is not this run's trainer (its command line does not name the run folder).
        Process stranger = new ProcessBuilder("sleep", "30").start();
        Path running = Files.createDirectories(runs.resolve("running"));
        state(running, "running", "running", stranger.pid());
        Files.createDirectories(curation.root().resolve("tokenizers/text"));
        Files.writeString(curation.root().resolve("tokenizers/text/tokenizer.json"), "{}");
        Files.createDirectories(curation.root().resolve("tokenizers/image"));
        try (RunService service = new RunService(curation, 1, "demo", "", args -> java.util.List.of("/bin/sh", "-c",
                "echo '{\"step\":3,\"loss\":0.5,\"lr\":0.001}' >> metrics.jsonl"))) {
            assertThat(service.run("running").orElseThrow().state()).isEqualTo(RunState.INTERRUPTED);
            assertThat(stranger.isAlive()).as("a stranger's process is left alone").isTrue();
            RunInfo r = await(service, "queued", Duration.ofSeconds(30));
            assertThat(r.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(r.status().step()).isEqualTo(3);
        } finally {
            stranger.destroyForcibly();
        }
    }
}
