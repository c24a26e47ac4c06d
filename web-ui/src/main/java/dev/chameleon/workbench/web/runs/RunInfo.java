package dev.chameleon.workbench.web.runs;

import dev.chameleon.workbench.trainer.train.StepMetrics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A run as the views see it at one moment: its state.json, the steps metrics.jsonl holds, and an ETA.
 *
 * @param dir     the run folder
 * @param metrics one entry per optimizer step done, in step order
 * @param eta     the expected time left, from the recent pace; empty when unknown or not running
 */
public record RunInfo(RunStatus status, Path dir, List<StepMetrics> metrics, Optional<Duration> eta) {

    public String id() {
        return status.id();
    }

    public RunState state() {
        return status.state();
    }

    /** Steps done over steps asked for, in [0, 1]. */
    public double progress() {
        return status.steps() <= 0 ? 0 : Math.min(1.0, (double) status.step() / status.steps());
    }

    public Optional<StepMetrics> last() {
        return metrics.isEmpty() ? Optional.empty() : Optional.of(metrics.get(metrics.size() - 1));
    }
}
