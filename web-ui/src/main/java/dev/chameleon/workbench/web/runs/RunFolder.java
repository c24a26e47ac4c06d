package dev.chameleon.workbench.web.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.chameleon.workbench.trainer.train.TrainConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reading and writing a run folder {@code WORKSPACE/runs/RUN-ID/}: {@code run.yaml} (the resolved
 * {@link TrainConfig}), {@code state.json} ({@link RunStatus}, replaced atomically) and {@code log.txt} (the child
 * processes' output and the workbench's own {@code == ... ==} lines).
 */
final class RunFolder {

    static final String RUN_YAML = "run.yaml";
    static final String STATE = "state.json";
    static final String LOG = "log.txt";
    static final String METRICS = "metrics.jsonl";

    private static final Logger LOG_ = LoggerFactory.getLogger(RunFolder.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private RunFolder() {
    }

    /** A new run id, "yyyyMMdd-HHmmss-DATASET", with "-2", "-3"... while {@code taken} or the folder exists. */
    static String newId(Path runsDir, String dataset, Predicate<String> taken) {
        String base = LocalDateTime.now().format(ID_TIME) + "-" + dataset.replaceAll("[^A-Za-z0-9_-]", "_");
        String id = base;
        for (int i = 2; taken.test(id) || Files.exists(runsDir.resolve(id)); i++) {
            id = base + "-" + i;
        }
        return id;
    }

    /** Writes run.yaml with a header comment naming the command that trains it. */
    static void writeRunYaml(Path dir, TrainConfig config, String id, RunRequest r) throws IOException {
        Path file = dir.resolve(RUN_YAML);
        String header = "# Run " + id + ": dataset " + r.dataset() + " (a frozen snapshot), preset " + r.preset()
                + " with the workbench's overrides; paths are absolute.\n"
                + "# Used by: java -jar sft-trainer.jar train --config " + file.toAbsolutePath()
                + " [--resume] (the workbench runs exactly this).\n";
        Files.writeString(file, header + YAML.writeValueAsString(config));
    }

    /** Replaces state.json with the run's status (written beside it first, then moved). */
    static void save(Run run) {
        try {
            Path tmp = run.dir.resolve(STATE + ".tmp");
            JSON.writeValue(tmp.toFile(), run.status);
            Files.move(tmp, run.dir.resolve(STATE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + run.dir.resolve(STATE) + ": " + e.getMessage(), e);
        }
    }

    /** The status a run folder's state.json holds. */
    static RunStatus readStatus(Path dir) throws IOException {
        return JSON.readValue(dir.resolve(STATE).toFile(), RunStatus.class);
    }

    /** Appends one line to the run's log.txt; a failure is logged, not thrown. */
    static void appendLog(Run run, String line) {
        try {
            Files.writeString(run.log(), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG_.warn("Cannot write to the log of run {}: {}", run.id, e.getMessage());
        }
    }

    /** The last {@code lines} lines of a text file, read from at most its last 64 KB; empty when unreadable. */
    static List<String> tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, in.length() - 65_536);
            byte[] b = new byte[(int) (in.length() - start)];
            in.seek(start);
            in.readFully(b);
            List<String> all = new ArrayList<>(Arrays.asList(new String(b, StandardCharsets.UTF_8).split("\r?\n|\r")));
            if (start > 0 && !all.isEmpty()) {
                all.remove(0);
            }
            while (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
                all.remove(all.size() - 1);
            }
            return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A file's size, or -1 when it cannot be read. */
    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
