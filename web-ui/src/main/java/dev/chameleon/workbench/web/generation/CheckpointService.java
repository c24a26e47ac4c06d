package dev.chameleon.workbench.web.generation;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import dev.chameleon.workbench.trainer.checkpoint.CheckpointInfo;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the checkpoints the workspace's runs wrote ({@code WORKSPACE/runs/RUN/checkpoints/step-N/}), newest
 * first, and checks folders a user types in. Reads folders only; loading is the engine's job.
 */
@Service
public class CheckpointService {

    private static final Pattern STEP = Pattern.compile("step-(\\d+)");

    private final Path root;

    @Autowired
    public CheckpointService(Curation curation) {
        this(curation.root());
    }

    /** Checkpoints under {@code workspaceRoot}/runs. */
    public CheckpointService(Path workspaceRoot) {
        this.root = workspaceRoot.toAbsolutePath().normalize();
    }

    /** Every finished checkpoint of every run, newest first (by when it was written, then by step). */
    public List<CheckpointChoice> list() {
        Path runs = root.resolve("runs");
        try {
            return CheckpointInfo.ofRuns(runs).stream().filter(CheckpointInfo::complete)
                    .map(c -> new CheckpointChoice(c.label(), c.dir(), c.step(), c.written()))
                    .sorted(Comparator.comparing(CheckpointChoice::written)
                            .thenComparingLong(CheckpointChoice::step).reversed())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoints under " + runs + ": " + e.getMessage(), e);
        }
    }

    /**
     * A checkpoint folder typed or pasted by the user: a step-N folder or a run folder (the engine takes the
     * newest checkpoint of a run), labelled "RUN @ step N (PATH)" when it sits in a run's checkpoints folder,
     * else by its path. Refuses paths that are not folders, saying what to give instead.
     */
    public CheckpointChoice resolve(String typed) {
        String t = typed == null ? "" : typed.trim();
        if (t.length() > 1 && t.startsWith("\"") && t.endsWith("\"")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException("type the path of a checkpoint folder (RUN/checkpoints/step-N)");
        }
        Path dir;
        try {
            dir = Path.of(t);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("'" + t + "' is not a path: " + e.getReason());
        }
        dir = (dir.isAbsolute() ? dir : root.resolve(dir)).normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a folder; give a checkpoint folder (RUN/checkpoints/"
                    + "step-N, holding model.bin and provenance.json) or a run folder");
        }
        for (CheckpointChoice c : list()) {
            if (c.dir().equals(dir)) {
                return c;
            }
        }
        Matcher m = STEP.matcher(dir.getFileName() == null ? "" : dir.getFileName().toString());
        long step = m.matches() ? Long.parseLong(m.group(1)) : -1;
        Path parent = dir.getParent();
        boolean inRun = step >= 0 && parent != null && parent.getFileName() != null
                && parent.getFileName().toString().equals(Checkpoint.FOLDER) && parent.getParent() != null
                && parent.getParent().getFileName() != null;
        String label = inRun ? parent.getParent().getFileName() + " @ step " + step + " (" + dir + ")" : dir.toString();
        return new CheckpointChoice(label, dir, step, CheckpointInfo.written(dir));
    }

    /** The workspace folder checkpoints are found under. */
    public Path root() {
        return root;
    }
}
