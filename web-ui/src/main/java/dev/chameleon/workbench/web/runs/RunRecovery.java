package dev.chameleon.workbench.web.runs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Rebuilds the run list after a restart from {@code runs/*\/state.json}: queued runs queue again; a run whose
 * trainer still lives (the workbench was killed, not its child) is watched until it exits; a run that was active
 * with no live process is interrupted, and resumable.
 */
final class RunRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(RunRecovery.class);

    private final Path runsDir;
    private final Path tokenizersDir;
    private final Consumer<String> changed;

    RunRecovery(Path runsDir, Path tokenizersDir, Consumer<String> changed) {
        this.runsDir = runsDir;
        this.tokenizersDir = tokenizersDir;
        this.changed = changed;
    }

    /** Puts every readable run folder into {@code runs} and hands the queued ones to {@code queue}, oldest first. */
    void recover(Map<String, Run> runs, Consumer<Run> queue) {
        if (!Files.isDirectory(runsDir)) {
            return;
        }
        List<Run> queued = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(runsDir)) {
            for (Path dir : dirs.sorted().toList()) {
                if (!Files.isRegularFile(dir.resolve(RunFolder.STATE))) {
                    continue;
                }
                RunStatus status;
                try {
                    status = RunFolder.readStatus(dir);
                } catch (IOException e) {
                    LOG.warn("Skipping run folder {}: unreadable state.json ({})", dir, e.getMessage());
                    continue;
                }
                Run run = new Run(dir.getFileName().toString(), dir, status);
                run.metrics.poll();
                run.status = run.status.atStep(run.lastStep());
                runs.put(run.id, run);
                RunState s = status.state();
                if (s == RunState.QUEUED) {
                    queued.add(run);
                } else if (s == RunState.RUNNING || s == RunState.PREPARING) {
                    reattach(run, s);
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the runs in {}: {}", runsDir, e.getMessage());
        }
        queued.sort(Comparator.comparing(r -> created(r.status)));
        queued.forEach(queue);
    }

    /** An active run found at start: adopt its live trainer, else stop what is left and mark it interrupted. */
    private void reattach(Run run, RunState s) {
        RunStatus status = run.status;
        Optional<ProcessHandle> live = status.pid() == null ? Optional.empty()
                : ProcessHandle.of(status.pid()).filter(ProcessHandle::isAlive);
        Optional<ProcessHandle> trainer = live.filter(p -> TrainerProcesses.isTrainerFor(p, run.dir));
        // A tokenizer trainer names the tokenizers folder; it is stopped and trained again on demand.
        Optional<ProcessHandle> tokenizer = live.filter(p -> p.info().commandLine()
                .map(c -> c.contains(tokenizersDir.toString())).orElse(false));
        if (s == RunState.RUNNING && trainer.isPresent()) {
            adopt(run, trainer.get());
        } else {
            trainer.or(() -> tokenizer).ifPresent(TrainerProcesses::destroyTree);
            run.status = run.status.finished(RunState.INTERRUPTED, null, "The workbench stopped while the "
                    + "run was " + s.wireName() + " (at step " + run.lastStep() + " of " + status.steps()
                    + "); resume it to continue from its newest checkpoint");
            RunFolder.save(run);
        }
    }

    /** Watches a trainer a previous workbench process started; it counts as done when its last step is in. */
    private void adopt(Run run, ProcessHandle process) {
        LOG.info("Run {}: its trainer (pid {}) is still running; watching it", run.id, process.pid());
        run.process = process;
        process.onExit().thenRun(() -> {
            synchronized (run) {
                run.metrics.poll();
                int step = run.lastStep();
                boolean done = step >= run.status.steps();
                run.process = null;
                if (run.status.state() == RunState.RUNNING) {
                    run.status = run.status.atStep(step).finished(
                            run.cancelRequested ? RunState.CANCELLED : done ? RunState.SUCCEEDED : RunState.INTERRUPTED,
                            null, done ? null : "The trainer stopped at step " + step + " of "
                                    + run.status.steps() + " while no workbench watched it; resume to continue");
                    run.cancelRequested = false;
                    RunFolder.save(run);
                }
            }
            changed.accept(run.id);
        });
    }

    /** When a run was created, for ordering; the epoch when state.json does not say. */
    static Instant created(RunStatus s) {
        try {
            return Instant.parse(s.createdAt());
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }
}
