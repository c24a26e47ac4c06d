package dev.chameleon.workbench.web.runs;

import dev.chameleon.workbench.trainer.train.StepMetrics;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;

/** One run's mutable state; every field is guarded by the object's monitor. */
final class Run {

    final String id;
    final Path dir;
    final MetricsTail metrics;
    /** Recent (step, nanoTime) pairs the ETA is computed from. */
    final ArrayDeque<long[]> pace = new ArrayDeque<>();
    RunStatus status;
    ProcessHandle process;
    boolean cancelRequested;
    int attempt;
    long logSize = -1;

    Run(String id, Path dir, RunStatus status) {
        this.id = id;
        this.dir = dir;
        this.status = status;
        this.metrics = new MetricsTail(dir.resolve(RunFolder.METRICS));
    }

    ProcessHandle process() {
        return process;
    }

    /** The newest step metrics.jsonl holds, as last polled; 0 before the first. */
    int lastStep() {
        List<StepMetrics> m = metrics.steps();
        return m.isEmpty() ? 0 : m.get(m.size() - 1).step();
    }

    Path log() {
        return dir.resolve(RunFolder.LOG);
    }
}
