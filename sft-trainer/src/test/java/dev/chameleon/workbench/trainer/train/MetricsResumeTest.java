package dev.chameleon.workbench.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a resumed run does to the metrics file it appends to. */
@Tag("unit")
class MetricsResumeTest {

    @Test
    void resumingDropsLaterStepsByReplacingTheFileNotByTruncatingIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        List<String> lines = new ArrayList<>();
        for (int step = 1; step <= 7; step++) {
            lines.add("{\"step\":" + step + ",\"loss\":1.0}");
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        Files.writeString(file, "{\"step\":8,\"lo", java.nio.file.StandardOpenOption.APPEND); // torn by a kill
        Object before = key(file);

        SftRun.keepMetricsUpTo(file, 5);

        assertThat(Files.readAllLines(file)).containsExactlyElementsOf(lines.subList(0, 5));
        // Another file: a reader following the old one by offset starts over instead of skipping lines.
        assertThat(key(file)).isNotEqualTo(before);
        assertThat(dir.resolve("metrics.jsonl.partial")).doesNotExist();

        Object kept = key(file);
        SftRun.keepMetricsUpTo(file, 10);
        assertThat(Files.readAllLines(file)).containsExactlyElementsOf(lines.subList(0, 5));
        assertThat(key(file)).as("nothing to drop: left alone").isEqualTo(kept);
    }

    private static Object key(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }
}
