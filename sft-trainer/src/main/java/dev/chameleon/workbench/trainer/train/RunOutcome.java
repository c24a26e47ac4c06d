package dev.chameleon.workbench.trainer.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * How a training invocation ended, as data in {@code RUN/outcome.json}, written when it ends:
 *
 * <pre>
 *   {"status": "finished"}
 *   {"status": "failed", "reason": "run.yaml:7, field /beta2: must be in [0, 1) ...", "field": "/beta2"}
 * </pre>
 *
 * @param status "finished" or "failed"
 * @param reason the one-line message of a failure (what, where, how to fix); null when finished
 * @param field  the config field a failure belongs to, as a JSON pointer; null when none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunOutcome(String status, String reason, String field) {

    /** The file in a run folder. */
    public static final String FILE = "outcome.json";
    public static final String FINISHED = "finished";
    public static final String FAILED = "failed";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public RunOutcome {
        if (!FINISHED.equals(status) && !FAILED.equals(status)) {
            throw new IllegalArgumentException("status must be " + FINISHED + " or " + FAILED + ", not " + status);
        }
    }

    public static RunOutcome finished() {
        return new RunOutcome(FINISHED, null, null);
    }

    /** A failure; {@code field} may be null. */
    public static RunOutcome failed(String reason, String field) {
        return new RunOutcome(FAILED, reason, field);
    }

    public boolean isFinished() {
        return FINISHED.equals(status);
    }

    /** Writes {@code RUN/outcome.json} whole (a reader never sees half a file). */
    public void write(Path runDir) throws IOException {
        Files.createDirectories(runDir);
        Path tmp = runDir.resolve(FILE + ".tmp");
        Files.writeString(tmp, JSON.writeValueAsString(this), StandardCharsets.UTF_8);
        Files.move(tmp, runDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The outcome recorded in {@code runDir}; empty while the run has none (running, or never started). */
    public static Optional<RunOutcome> read(Path runDir) throws IOException {
        Path file = runDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode n = JSON.readTree(file.toFile());
        return Optional.of(new RunOutcome(n.path("status").asText(null), n.path("reason").asText(null),
                n.path("field").asText(null)));
    }

    /** Deletes the outcome of an earlier invocation (a resumed run is running again). */
    public static void clear(Path runDir) throws IOException {
        Files.deleteIfExists(runDir.resolve(FILE));
    }

    /**
     * The out_dir a run config names, read leniently (no validation), so that a config that fails validation still
     * has its outcome recorded; empty when the file cannot be parsed or names none.
     */
    public static Optional<Path> outDirOf(Path runConfig) {
        try {
            JsonNode n = YAML.readTree(runConfig.toFile());
            String out = n == null ? null : n.path("out_dir").asText(null);
            return out == null || out.isBlank() ? Optional.empty() : Optional.of(Path.of(out));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
