package dev.chameleon.workbench.web.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The chat file the bulk-review-at-scale tests import. */
public final class BulkReviewAtScaleFiles {

    private BulkReviewAtScaleFiles() {
    }

    /**
     * Writes {@code matches} chat records whose prompt mentions rivers and a quarter as many about stars, so the
     * query {@code rivers} matches exactly {@code matches} of them.
     */
    public static Path chatFile(Path dir, int matches) throws IOException {
        Path f = dir.resolve("many.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(f)) {
            int total = matches + matches / 4;
            for (int i = 0; i < total; i++) {
                String topic = i % 5 == 4 ? "stars" : "rivers";
                w.write("{\"messages\":[{\"role\":\"user\",\"content\":\"question " + i + " about " + topic
                        + "\"},{\"role\":\"assistant\",\"content\":\"answer " + i + "\"}]}\n");
            }
        }
        return f;
    }
}
