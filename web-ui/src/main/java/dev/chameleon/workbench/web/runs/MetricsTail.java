package dev.chameleon.workbench.web.runs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.chameleon.workbench.trainer.train.StepMetrics;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Follows a run's {@code metrics.jsonl} as the trainer appends to it, reading only the new complete lines.
 *
 * <p>A resumed trainer first cuts the file back to its checkpoint's step; a file that shrank or was replaced is
 * read again from the start, and a step seen again replaces the steps from it on, so the list always holds one
 * entry per step in order.
 */
final class MetricsTail {

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;
    private final List<StepMetrics> steps = new ArrayList<>();
    private Object fileKey;
    private long offset;

    MetricsTail(Path file) {
        this.file = file;
    }

    /** Reads what was appended since the last call; returns whether anything changed. */
    synchronized boolean poll() {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            boolean changed = false;
            if (!Objects.equals(attrs.fileKey(), fileKey) || attrs.size() < offset) {
                fileKey = attrs.fileKey();
                offset = 0;
                changed = !steps.isEmpty();
                steps.clear();
            }
            if (attrs.size() == offset) {
                return changed;
            }
            byte[] bytes;
            try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                in.seek(offset);
                bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, in.length() - offset)];
                in.readFully(bytes);
            }
            int end = lastNewline(bytes);
            if (end < 0) {
                return changed;
            }
            String text = new String(bytes, 0, end + 1, StandardCharsets.UTF_8);
            offset += end + 1;
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    add(parse(line));
                    changed = true;
                }
            }
            return changed;
        } catch (IOException e) {
            return false;
        }
    }

    synchronized List<StepMetrics> steps() {
        return List.copyOf(steps);
    }

    private void add(StepMetrics m) {
        if (m == null) {
            return;
        }
        while (!steps.isEmpty() && steps.get(steps.size() - 1).step() >= m.step()) {
            steps.remove(steps.size() - 1);
        }
        steps.add(m);
    }

    /** One metrics line, or null for a line that is not one (a torn write is never read: lines end in \n). */
    static StepMetrics parse(String line) {
        try {
            return JSON.readValue(line, StepMetrics.class);
        } catch (IOException e) {
            return null;
        }
    }

    private static int lastNewline(byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
