/**
 * SFT runs: the Runs view ({@link dev.chameleon.workbench.web.runs.RunsView}) and the service behind it and the
 * {@code workbench run} command ({@link dev.chameleon.workbench.web.runs.RunService}, taking a
 * {@link dev.chameleon.workbench.web.runs.RunRequest} and giving {@link dev.chameleon.workbench.web.runs.RunInfo},
 * {@link dev.chameleon.workbench.web.runs.RunStatus}, {@link dev.chameleon.workbench.web.runs.RunState} and
 * {@link dev.chameleon.workbench.web.runs.CheckpointRef}; a request that cannot train throws
 * {@link dev.chameleon.workbench.web.runs.InvalidRunException}).
 *
 * <p>The service is a facade over parts with one job each: {@code RunPlanner} (presets, validation, the memory a run needs),
 * {@code RunFolder} (the run folder's files), {@code Tokenizers} (the workspace's tokenizers, trained before the
 * first run), {@code RunSupervisor} (the queue of child processes, cancel, resume), {@code RunWatcher} (metrics,
 * ETA), {@code RunRecovery} (restart) and {@code FailureReason} (why a child process failed, from its log).
 */
package dev.chameleon.workbench.web.runs;
