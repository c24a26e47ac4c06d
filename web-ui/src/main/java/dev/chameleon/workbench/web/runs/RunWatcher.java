package dev.chameleon.workbench.web.runs;

import dev.chameleon.workbench.trainer.train.StepMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches the active runs: every 250 ms it reads new lines of their metrics.jsonl and notices log.txt growing,
 * and tells the listeners; it keeps the recent pace of each run, from which {@link #info} gives an ETA.
 */
final class RunWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunWatcher.class);
    /** Steps the ETA averages over. */
    private static final int PACE_WINDOW = 20;

    private final Collection<Run> runs;
    private final Consumer<String> changed;
    private final ScheduledExecutorService monitor;

    /** @param runs a live view of every run */
    RunWatcher(Collection<Run> runs, Consumer<String> changed) {
        this.runs = runs;
        this.changed = changed;
        this.monitor = Executors.newSingleThreadScheduledExecutor(
                r -> RunSupervisor.daemon(r, "workbench-run-monitor"));
    }

    void start() {
        monitor.scheduleWithFixedDelay(this::pollSafely, 250, 250, TimeUnit.MILLISECONDS);
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.warn("Watching runs failed", e);
        }
    }

    /** Reads new metrics and log output of the active runs and tells the listeners. */
    void poll() {
        for (Run run : runs) {
            boolean changedNow = false;
            synchronized (run) {
                RunState s = run.status.state();
                if (s != RunState.RUNNING && s != RunState.PREPARING) {
                    continue;
                }
                if (run.metrics.poll()) {
                    int step = run.lastStep();
                    if (step != run.status.step()) {
                        run.status = run.status.atStep(step);
                        run.pace.addLast(new long[]{step, System.nanoTime()});
                        while (run.pace.size() > PACE_WINDOW) {
                            run.pace.removeFirst();
                        }
                    }
                    changedNow = true;
                }
                long logSize = RunFolder.size(run.log());
                if (logSize != run.logSize) {
                    run.logSize = logSize;
                    changedNow = true;
                }
            }
            if (changedNow) {
                changed.accept(run.id);
            }
        }
    }

    /** The run as the views see it now: status at its newest step, its metrics, and the ETA while running. */
    static RunInfo info(Run run) {
        synchronized (run) {
            List<StepMetrics> metrics = run.metrics.steps();
            RunStatus status = run.status;
            if (!metrics.isEmpty() && metrics.get(metrics.size() - 1).step() != status.step()) {
                status = status.atStep(metrics.get(metrics.size() - 1).step());
            }
            Optional<Duration> eta = Optional.empty();
            if (status.state() == RunState.RUNNING && run.pace.size() >= 2) {
                long[] first = run.pace.getFirst();
                long[] last = run.pace.getLast();
                double nanosPerStep = (double) (last[1] - first[1]) / (last[0] - first[0]);
                long left = Math.max(0, status.steps() - status.step());
                eta = Optional.of(Duration.ofNanos((long) (nanosPerStep * left)));
            }
            return new RunInfo(status, run.dir, metrics, eta);
        }
    }

    @Override
    public void close() {
        monitor.shutdownNow();
    }
}
