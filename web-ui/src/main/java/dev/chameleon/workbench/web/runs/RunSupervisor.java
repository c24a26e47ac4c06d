package dev.chameleon.workbench.web.runs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The run queue: a fixed number of slots, each running one run's child processes in turn (its missing
 * tokenizers, then {@code train --config RUN/run.yaml [--resume]}) with their output appended to the run's
 * log.txt; and cancelling (the process tree is killed) and resuming (queued again, the trainer resumes).
 */
final class RunSupervisor {

    private static final Logger LOG = LoggerFactory.getLogger(RunSupervisor.class);

    private final Tokenizers tokenizers;
    private final List<String> jvmOptions;
    private final Consumer<String> changed;
    private final ExecutorService workers;
    private volatile Function<List<String>, List<String>> commandFactory;
    private volatile boolean closing;

    /**
     * @param commandFactory trainer arguments in, full command line out; null for the real trainer
     * @param changed        told a run's id whenever its state changes
     */
    RunSupervisor(int slots, Tokenizers tokenizers, List<String> jvmOptions,
                  Function<List<String>, List<String>> commandFactory, Consumer<String> changed) {
        this.tokenizers = tokenizers;
        this.jvmOptions = jvmOptions;
        this.changed = changed;
        useCommandFactory(commandFactory);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(slots, r -> daemon(r, "workbench-run-" + n.incrementAndGet()));
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    void useCommandFactory(Function<List<String>, List<String>> factory) {
        this.commandFactory = factory != null ? factory : args -> TrainerProcesses.command(jvmOptions, args);
    }

    List<String> command(List<String> args) {
        return commandFactory.apply(args);
    }

    /** Queues a run whose status is queued; it starts when a slot is free unless it changed meanwhile. */
    void submit(Run run) {
        int attempt;
        synchronized (run) {
            attempt = run.attempt;
        }
        workers.execute(() -> execute(run, attempt));
    }

    /** Stops a queued or running run; its process tree is killed, its checkpoints kept. */
    void cancel(Run run) {
        synchronized (run) {
            RunState s = run.status.state();
            if (s == RunState.QUEUED) {
                run.attempt++;
                run.status = run.status.finished(RunState.CANCELLED, null, "Cancelled before it started");
                RunFolder.save(run);
            } else if (s == RunState.PREPARING || s == RunState.RUNNING) {
                run.cancelRequested = true;
                ProcessHandle p = run.process();
                if (p != null) {
                    TrainerProcesses.destroyTree(p);
                }
            } else {
                throw new IllegalStateException("Run " + run.id + " is " + s.wireName()
                        + "; only queued, preparing or running runs can be cancelled");
            }
        }
        changed.accept(run.id);
    }

    /** Queues a failed, cancelled or interrupted run again; the trainer continues from its newest checkpoint. */
    void resume(Run run) {
        synchronized (run) {
            if (!run.status.state().resumable()) {
                throw new IllegalStateException("Run " + run.id + " is " + run.status.state().wireName()
                        + "; only failed, cancelled or interrupted runs can be resumed");
            }
            run.cancelRequested = false;
            run.attempt++;
            run.status = run.status.queued();
            RunFolder.save(run);
            RunFolder.appendLog(run, "== resume requested at " + Instant.now() + " ==");
        }
        submit(run);
        changed.accept(run.id);
    }

    private void execute(Run run, int attempt) {
        boolean resume;
        synchronized (run) {
            if (closing || run.attempt != attempt || run.status.state() != RunState.QUEUED) {
                return;
            }
            resume = run.status.launches() > 0;
            run.status = run.status.started(RunState.PREPARING);
            RunFolder.save(run);
        }
        changed.accept(run.id);
        RunState end;
        Integer code = null;
        String error = null;
        try {
            tokenizers.prepare(run, args -> runChild(run, args, RunState.PREPARING));
            List<String> args = new ArrayList<>(List.of("train", "--config", run.dir.resolve(RunFolder.RUN_YAML)
                    .toString()));
            if (resume) {
                args.add("--resume");
            }
            RunFolder.appendLog(run, "== " + (resume ? "resuming" : "starting") + " the trainer at " + Instant.now()
                    + " ==");
            code = runChild(run, args, RunState.RUNNING);
            if (code != 0) {
                throw new StepFailed("The trainer", code, true);
            }
            end = RunState.SUCCEEDED;
        } catch (StepFailed e) {
            code = e.code;
            end = RunState.FAILED;
            error = e.describe(run);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end = RunState.INTERRUPTED;
        } catch (IOException | RuntimeException e) {
            end = RunState.FAILED;
            error = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.warn("Run {} failed", run.id, e);
        }
        finish(run, end, code, error);
    }

    private void finish(Run run, RunState end, Integer code, String error) {
        synchronized (run) {
            ProcessHandle p = run.process();
            if (p != null && p.isAlive()) {
                TrainerProcesses.destroyTree(p);
            }
            run.process = null;
            run.metrics.poll();
            int step = run.lastStep();
            if (run.cancelRequested) {
                end = RunState.CANCELLED;
                error = "Cancelled by the user at step " + step + " of " + run.status.steps()
                        + "; resume continues from the newest checkpoint";
            } else if (closing && end != RunState.SUCCEEDED) {
                end = RunState.INTERRUPTED;
                error = "The workbench stopped during the run (at step " + step + "); resume it to continue from its "
                        + "newest checkpoint";
            }
            run.cancelRequested = false;
            run.status = run.status.atStep(step).finished(end, code, error);
            RunFolder.save(run);
            RunFolder.appendLog(run, "== " + end.wireName() + (error == null ? "" : ": " + error) + " ==");
        }
        LOG.info("Run {} {}", run.id, end.wireName());
        changed.accept(run.id);
    }

    /** Runs one child process with its output appended to the run's log; returns its exit code. */
    private int runChild(Run run, List<String> args, RunState state) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(commandFactory.apply(args))
                .directory(run.dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(run.log().toFile()));
        Process p;
        synchronized (run) {
            if (run.cancelRequested || closing) {
                return 130;
            }
            p = pb.start();
            run.process = p.toHandle();
            run.status = state == RunState.RUNNING ? run.status.launched(p.pid()) : run.status.withProcess(p.pid());
            run.pace.clear();
            RunFolder.save(run);
        }
        changed.accept(run.id);
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            TrainerProcesses.destroyTree(p.toHandle());
            throw e;
        }
    }

    /** Stops the queue; running children are killed and their runs marked interrupted (resumable). */
    void close(Collection<Run> runs) {
        closing = true;
        for (Run run : runs) {
            synchronized (run) {
                ProcessHandle p = run.process();
                if (p != null) {
                    TrainerProcesses.destroyTree(p);
                }
            }
        }
        workers.shutdownNow();
        try {
            workers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Run run : runs) {
            synchronized (run) {
                RunState s = run.status.state();
                if (s == RunState.PREPARING || s == RunState.RUNNING) {
                    run.status = run.status.finished(RunState.INTERRUPTED, null, "The workbench stopped during the "
                            + "run; resume it to continue from its newest checkpoint");
                    RunFolder.save(run);
                }
            }
        }
    }
}
