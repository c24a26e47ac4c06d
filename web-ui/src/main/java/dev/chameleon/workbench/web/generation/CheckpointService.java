package dev.chameleon.workbench.web.generation;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import dev.chameleon.workbench.trainer.checkpoint.CheckpointInfo;
import dev.chameleon.workbench.trainer.hf.HfCheckpoint;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the checkpoints the workspace's runs wrote ({@code WORKSPACE/runs/RUN/checkpoints/step-N/}), newest
 * first, then the released checkpoints registered as imported ({@link ImportedCheckpoints}), and checks folders a
 * user types in. Reads folders only; loading is the engine's job.
 */
@Service
public class CheckpointService {

    private static final Pattern STEP = Pattern.compile("step-(\\d+)");

    private final Path root;
    private final ImportedCheckpoints imported;

    @Autowired
    public CheckpointService(Curation curation) {
        this(curation.root());
    }

    /** Checkpoints under {@code workspaceRoot}/runs. */
    public CheckpointService(Path workspaceRoot) {
        this.root = workspaceRoot.toAbsolutePath().normalize();
        this.imported = new ImportedCheckpoints(root);
    }

    /**
     * Every finished checkpoint of every run, newest first (by when it was written, then by step), then the imported
     * ones in the order they were registered.
     */
    public List<CheckpointChoice> list() {
        List<CheckpointChoice> all = new ArrayList<>(trained());
        for (ImportedCheckpoints.Entry e : imported.list()) {
            all.add(choice(e));
        }
        return List.copyOf(all);
    }

    private List<CheckpointChoice> trained() {
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

    private static CheckpointChoice choice(ImportedCheckpoints.Entry e) {
        return new CheckpointChoice(e.label(), e.path(), -1, e.added(), true);
    }

    /** The workspace's registry of imported checkpoint folders. */
    public ImportedCheckpoints imported() {
        return imported;
    }

    /**
     * Registers a checkpoint folder in the Hugging Face layout, typed by a user (relative paths resolve against the
     * workspace), under {@code name} or, when blank, its folder's name; see {@link ImportedCheckpoints#add}.
     *
     * @throws IllegalArgumentException saying why the folder or the name is refused and what to give instead
     */
    public CheckpointChoice register(String typedPath, String name) {
        Path dir = typedDir(typedPath, "type the path of a checkpoint folder in the Hugging Face layout "
                + "(config.json, .safetensors weights, tokenizer.json)");
        return choice(imported.add(dir, name));
    }

    /**
     * A checkpoint folder typed or pasted by the user: a step-N folder or a run folder (the engine takes the
     * newest checkpoint of a run), labelled "RUN @ step N (PATH)" when it sits in a run's checkpoints folder,
     * else by its path; or a folder in the Hugging Face layout, checked as {@link ImportedCheckpoints#inspect} does
     * (without registering it) and labelled "PATH (7.0B, 32 layers)". Refuses paths that are not folders, saying
     * what to give instead.
     */
    public CheckpointChoice resolve(String typed) {
        Path dir = typedDir(typed, "type the path of a checkpoint folder (RUN/checkpoints/step-N, or a folder in the "
                + "Hugging Face layout)");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a folder; give a checkpoint folder (RUN/checkpoints/"
                    + "step-N, holding model.bin and provenance.json), a run folder, or a folder in the Hugging Face "
                    + "layout (config.json and .safetensors weights)");
        }
        for (CheckpointChoice c : list()) {
            if (c.dir().equals(dir)) {
                return c;
            }
        }
        if (HfCheckpoint.isHfFolder(dir) || Files.isRegularFile(dir.resolve(HfCheckpoint.CONFIG))) {
            ImportedCheckpoints.ModelSummary model = ImportedCheckpoints.inspect(dir);
            return new CheckpointChoice(dir + " (" + model.shortText() + ")", dir, -1, CheckpointInfo.written(dir),
                    true);
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

    /** A typed path, quotes stripped, resolved against the workspace; {@code empty} says what to type. */
    private Path typedDir(String typed, String empty) {
        String t = typed == null ? "" : typed.trim();
        if (t.length() > 1 && t.startsWith("\"") && t.endsWith("\"")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException(empty);
        }
        Path dir;
        try {
            dir = Path.of(t);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("'" + t + "' is not a path: " + e.getReason());
        }
        return (dir.isAbsolute() ? dir : root.resolve(dir)).normalize();
    }

    /** The workspace folder checkpoints are found under. */
    public Path root() {
        return root;
    }
}
