package dev.chameleon.workbench.trainer.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One checkpoint folder of a run, as listed from disk: the one lister of checkpoints for training (pruning,
 * resume), generation (a run's newest) and the workbench's pickers.
 *
 * @param run     the run folder's name
 * @param step    the optimizer step it holds
 * @param dir     {@code RUN/checkpoints/step-N}
 * @param written when its model file was written (the folder's time while it has none)
 */
public record CheckpointInfo(String run, long step, Path dir, Instant written) {

    /** Whether the folder holds a model file (a finished checkpoint is written whole, then renamed into place). */
    public boolean complete() {
        return Files.isRegularFile(dir.resolve(Checkpoint.MODEL));
    }

    /** "RUN @ step N". */
    public String label() {
        return run + " @ step " + step;
    }

    /** A run's checkpoints ({@code RUN/checkpoints/step-N}), lowest step first; none when it has no such folder. */
    public static List<CheckpointInfo> ofRun(Path runDir) throws IOException {
        Path dir = Checkpoint.folder(runDir);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        String run = runDir.toAbsolutePath().normalize().getFileName() == null ? ""
                : runDir.toAbsolutePath().normalize().getFileName().toString();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Checkpoint.isCheckpointName(p.getFileName().toString()) && Files.isDirectory(p))
                    .map(p -> new CheckpointInfo(run, Checkpoint.step(p), p, written(p)))
                    .sorted(Comparator.comparingLong(CheckpointInfo::step)).toList();
        }
    }

    /** The checkpoints of every run folder directly under {@code runsRoot}, run by run (by name), lowest step first. */
    public static List<CheckpointInfo> ofRuns(Path runsRoot) throws IOException {
        if (!Files.isDirectory(runsRoot)) {
            return List.of();
        }
        List<CheckpointInfo> all = new ArrayList<>();
        try (Stream<Path> s = Files.list(runsRoot)) {
            for (Path run : s.filter(Files::isDirectory).sorted().toList()) {
                all.addAll(ofRun(run));
            }
        }
        return all;
    }

    /** A run's newest checkpoint, if it has one. */
    public static Optional<CheckpointInfo> latest(Path runDir) throws IOException {
        List<CheckpointInfo> all = ofRun(runDir);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** When the checkpoint folder {@code dir} was written: its model file's time, the folder's while it has none. */
    public static Instant written(Path dir) {
        try {
            Path model = dir.resolve(Checkpoint.MODEL);
            FileTime t = Files.getLastModifiedTime(Files.exists(model) ? model : dir);
            return t.toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }
}
