package dev.chameleon.workbench.web.runs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * The contents of a run's {@code state.json} (snake_case keys): what the run is, where it stands, and why it
 * stopped.
 *
 * @param id        the run folder's name
 * @param dataset   the dataset it was launched from
 * @param preset    the run preset (configs/recipes) its settings started from
 * @param snapshot  absolute path of the snapshot it trains on
 * @param state     where it stands
 * @param pid       the process working on it (a tokenizer trainer while preparing), null when none
 * @param createdAt ISO-8601 instants, null until they happen
 * @param exitCode  the trainer's exit code once it stopped
 * @param error     what went wrong, for a user to read; null unless failed or interrupted
 * @param step      optimizer steps done (from metrics.jsonl)
 * @param steps     optimizer steps the run asks for
 * @param launches  how often a trainer process was started for it (more than 1 after a resume)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunStatus(String id, String dataset, String preset, String snapshot, RunState state, Long pid,
                        String createdAt, String startedAt, String finishedAt, Integer exitCode, String error,
                        int step, int steps, int launches) {

    RunStatus with(RunState newState) {
        return new RunStatus(id, dataset, preset, snapshot, newState, pid, createdAt, startedAt, finishedAt, exitCode,
                error, step, steps, launches);
    }

    RunStatus withProcess(Long newPid) {
        return new RunStatus(id, dataset, preset, snapshot, state, newPid, createdAt, startedAt, finishedAt, exitCode,
                error, step, steps, launches);
    }

    RunStatus started(RunState newState) {
        return new RunStatus(id, dataset, preset, snapshot, newState, pid, createdAt, Instant.now().toString(), null,
                null, null, step, steps, launches);
    }

    RunStatus launched(long newPid) {
        return new RunStatus(id, dataset, preset, snapshot, RunState.RUNNING, newPid, createdAt, startedAt, null, null,
                null, step, steps, launches + 1);
    }

    RunStatus finished(RunState newState, Integer code, String message) {
        return new RunStatus(id, dataset, preset, snapshot, newState, null, createdAt, startedAt,
                Instant.now().toString(), code, message, step, steps, launches);
    }

    RunStatus atStep(int newStep) {
        return new RunStatus(id, dataset, preset, snapshot, state, pid, createdAt, startedAt, finishedAt, exitCode,
                error, newStep, steps, launches);
    }

    RunStatus queued() {
        return new RunStatus(id, dataset, preset, snapshot, RunState.QUEUED, null, createdAt, startedAt, null, null,
                null, step, steps, launches);
    }
}
