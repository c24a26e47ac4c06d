package dev.chameleon.workbench.trainer.render;

import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ExampleJson;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Reads the examples of a snapshot folder ({@code examples.jsonl}, one canonical record a line). */
public final class SnapshotExamples {

    private SnapshotExamples() {
    }

    /**
     * Calls {@code action} with each example in file order.
     *
     * @throws IOException when the folder is not a snapshot or a line is not a canonical record (file and line named)
     */
    public static void forEach(Path snapshotDir, Consumer<Example> action) throws IOException {
        Path file = examplesFile(snapshotDir);
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (!line.isBlank()) {
                    action.accept(parse(file, n, line));
                }
            }
        }
    }

    /**
     * The example on line {@code n} (1-based) of examples.jsonl.
     *
     * @throws IllegalArgumentException when the file has fewer lines, saying how many it has
     */
    public static Example at(Path snapshotDir, int n) throws IOException {
        if (n < 1) {
            throw new IllegalArgumentException("example number must be 1 or more (the line of examples.jsonl), got "
                    + n);
        }
        Path file = examplesFile(snapshotDir);
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int i = 0;
            while ((line = r.readLine()) != null) {
                if (++i == n) {
                    return parse(file, n, line);
                }
            }
            throw new IllegalArgumentException(file + " has " + i + " examples; choose --example between 1 and " + i);
        }
    }

    private static Path examplesFile(Path snapshotDir) {
        Path file = snapshotDir.resolve("examples.jsonl");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(snapshotDir + " is not a snapshot folder (no examples.jsonl); "
                    + "pass the folder a 'snapshot' command wrote, e.g. workspace/snapshots/NAME/v0001");
        }
        return file;
    }

    private static Example parse(Path file, int line, String text) throws IOException {
        try {
            return ExampleJson.fromNode(ExampleJson.MAPPER.readTree(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(file + ":" + line + ": not a canonical example record: " + e.getMessage(), e);
        }
    }
}
