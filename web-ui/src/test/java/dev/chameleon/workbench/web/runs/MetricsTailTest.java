package dev.chameleon.workbench.web.runs;

import dev.chameleon.workbench.trainer.train.StepMetrics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Following metrics.jsonl as the trainer writes it, and the stats line the Runs view shows from it. */
@Tag("unit")
class MetricsTailTest {

    @TempDir
    Path tmp;

    private static String line(int step, double loss) {
        return "{\"step\":" + step + ",\"loss\":" + loss + ",\"ce\":" + loss + ",\"per_category\":{\"text\":" + loss
                + "},\"lr\":0.001,\"tokens_per_second\":2500,\"fill\":0.5,\"some_future_field\":1}\n";
    }

    @Test
    void readsCompleteLinesOnlyAndStartsOverWhenAResumeCutsTheFile() throws Exception {
        Path file = tmp.resolve("metrics.jsonl");
        MetricsTail tail = new MetricsTail(file);
        assertThat(tail.poll()).isFalse();

        Files.writeString(file, line(1, 5.0) + line(2, 4.0) + line(3, 3.0).substring(0, 10));
        assertThat(tail.poll()).isTrue();
        assertThat(tail.steps()).extracting(StepMetrics::step).containsExactly(1, 2);
        assertThat(tail.steps().get(0).perCategory()).isEqualTo(Map.of("text", 5.0));

        Files.writeString(file, line(3, 3.0).substring(10), StandardOpenOption.APPEND);
        assertThat(tail.poll()).isTrue();
        assertThat(tail.steps()).extracting(StepMetrics::step).containsExactly(1, 2, 3);
        assertThat(tail.poll()).isFalse();

        // A resumed trainer keeps the lines up to its checkpoint (step 1) and writes steps 2.. again.
        Files.writeString(file, line(1, 5.0));
        assertThat(tail.poll()).isTrue();
        Files.writeString(file, line(2, 3.5), StandardOpenOption.APPEND);
        tail.poll();
        assertThat(tail.steps()).extracting(StepMetrics::step).containsExactly(1, 2);
        assertThat(tail.steps().get(1).loss()).isEqualTo(3.5);
    }

    @Test
    void aStepSeenAgainReplacesTheStepsFromItOn() throws Exception {
        Path file = tmp.resolve("metrics.jsonl");
        Files.writeString(file, line(1, 5.0) + line(2, 4.0) + line(3, 3.0) + line(2, 3.9) + "not json\n");
        MetricsTail tail = new MetricsTail(file);
        tail.poll();
        assertThat(tail.steps()).extracting(StepMetrics::loss).containsExactly(5.0, 3.9);
    }

    @Test
    void theStatsLineShowsStepLossRateThroughputAndEta() throws Exception {
        Path file = tmp.resolve("metrics.jsonl");
        Files.writeString(file, line(120, 2.314));
        MetricsTail tail = new MetricsTail(file);
        tail.poll();
        RunStatus status = new RunStatus("r", "demo", "demo", "/s", RunState.RUNNING, 1L, null, null, null, null,
                null, 120, 200, 1);
        RunInfo run = new RunInfo(status, tmp, tail.steps(), Optional.of(Duration.ofSeconds(65)));
        assertThat(RunsView.stats(run)).isEqualTo("step 120/200 · loss 2.3140 · lr 1.00e-03 · 2,500 tok/s · fill 50% · ETA 1:05");
        assertThat(run.progress()).isEqualTo(0.6);
        assertThat(RunsView.duration(Duration.ofSeconds(3725))).isEqualTo("1:02:05");
        List<LineChart.Series> lines = RunsView.categorySeries(tail.steps());
        assertThat(lines).extracting(LineChart.Series::name).containsExactly("Text");
    }
}
