package dev.chameleon.workbench.curation;

import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.io.ImportReport;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.curation.model.Source;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.search.SearchRequest;
import dev.chameleon.workbench.curation.snapshot.ExportResult;
import dev.chameleon.workbench.curation.store.Dataset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Import through the facade: idempotent re-import, resumable after a cancel, export round trip. */
@Tag("unit")
class ImportExportTest {

    @TempDir
    Path dir;

    private Path writeChat(int n) throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.write(data.resolve("red.png"), TestExamples.png(Color.RED, 8));
        String dataUri = "data:image/png;base64," + Base64.getEncoder().encodeToString(TestExamples.png(Color.GREEN, 8));
        Path f = data.resolve("chat.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(f)) {
            for (int i = 0; i < n; i++) {
                if (i % 100 == 7) {
                    w.write("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\""
                            + (i % 200 == 7 ? "red.png" : dataUri) + "\"}},{\"type\":\"text\",\"text\":\"Colour " + i
                            + "?\"}]},{\"role\":\"assistant\",\"content\":\"A colour.\"}]}\n");
                } else if (i == 50) {
                    w.write("{\"messages\": [broken json\n");
                } else {
                    w.write("{\"messages\":[{\"role\":\"user\",\"content\":\"Question " + i
                            + " about rivers\"},{\"role\":\"assistant\",\"content\":\"Answer " + i + ".\"}]}\n");
                }
            }
        }
        return f;
    }

    /**
     * A preference pair with metadata (a review note), a tool call with its schema, and an image-generation pair
     * whose rejected answer is a picture: what the store must keep beyond the conversation.
     */
    private static List<Example> richExamples(Curation c) {
        String blue = TestExamples.storePng(c.images(), Color.BLUE);
        Example pair = TestExamples.text("Say something kind", "You did well today.", 900)
                .withRejected(List.of(Message.text(Role.ASSISTANT, "Whatever.")))
                .withMetadata(Map.of("review_note", "the chosen answer is kinder", "source_id", "42"));
        Example tool = Example.of(List.of(Message.text(Role.USER, "Weather in Paris?"),
                        Message.text(Role.FUNCTION_CALL, "{\"name\":\"weather\",\"arguments\":{\"city\":\"Paris\"}}"),
                        Message.text(Role.OBSERVATION, "{\"sky\":\"clear\"}"),
                        Message.text(Role.ASSISTANT, "Clear skies in Paris.")), Category.TEXT, new Source("tools.jsonl", 3))
                .withTools("[{\"name\":\"weather\",\"parameters\":{\"city\":{\"type\":\"string\"}}}]");
        Example picture = Example.of(List.of(Message.text(Role.USER, "Draw a red square"),
                        Message.of(Role.ASSISTANT, Part.image(TestExamples.storePng(c.images(), Color.RED)))),
                Category.IMAGE_GENERATION, new Source("pairs.jsonl", 1))
                .withRejected(List.of(Message.of(Role.ASSISTANT, Part.image(blue))));
        return List.of(pair, tool, picture);
    }

    @Test
    void reimportAddsNothingAndReportsProblemsWithLines() throws Exception {
        Path f = writeChat(300);
        try (Curation c = Curation.open(dir.resolve("ws"))) {
            ImportReport r1 = c.importFile("chat", f, ImportOptions.defaults(), ImportProgress.NONE);
            assertThat(r1.imported()).isEqualTo(299);
            assertThat(r1.problemCount()).isEqualTo(1);
            assertThat(r1.problems().get(0).line()).isEqualTo(51);
            assertThat(c.importProblems(r1.jobId())).hasSize(1);
            ImportReport r2 = c.importFile("chat", f, ImportOptions.defaults(), ImportProgress.NONE);
            assertThat(r2.imported()).isZero();
            assertThat(r2.duplicates()).isEqualTo(299);
            assertThat(c.count(SearchRequest.of("chat", null))).isEqualTo(299);
            assertThat(c.count(SearchRequest.of("chat", "has_image:true"))).isEqualTo(3);
            assertThat(c.count(SearchRequest.of("chat", "rivers"))).isEqualTo(296);
        }
    }

    @Test
    void aCancelledImportLeavesAConsistentStoreAndARerunCompletesIt() throws Exception {
        Path f = writeChat(5000);
        try (Curation c = Curation.open(dir.resolve("ws"))) {
            ImportReport partial = c.importFile("chat", f, ImportOptions.defaults(), new ImportProgress() {
                long seen;

                @Override
                public void update(long bytesDone, long bytesTotal, long imported, long problems) {
                    seen = imported;
                }

                @Override
                public boolean cancelled() {
                    return seen >= 1000;
                }
            });
            assertThat(partial.cancelled()).isTrue();
            long stored = c.count(SearchRequest.of("chat", null));
            assertThat(stored).isBetween(1000L, 4998L);
            assertThat(c.count(SearchRequest.of("chat", "rivers OR colour"))).isEqualTo(stored);

            ImportReport rest = c.importFile("chat", f, ImportOptions.defaults(), ImportProgress.NONE);
            assertThat(rest.imported() + rest.duplicates()).isEqualTo(4999);
            assertThat(c.count(SearchRequest.of("chat", null))).isEqualTo(4999);
        }
    }

    @Test
    void exportThenImportReproducesTheDatasetExactly() throws Exception {
        Path f = writeChat(250);
        Path out = dir.resolve("export").resolve("chat.jsonl.gz");
        List<Example> original = new ArrayList<>();
        try (Curation c = Curation.open(dir.resolve("ws"))) {
            c.importFile("chat", f, ImportOptions.defaults(), ImportProgress.NONE);
            var rows = c.rows(SearchRequest.of("chat", null), 0, 10);
            c.setStatus(rows.get(3).id(), ReviewStatus.ACCEPTED);
            c.setStatus(rows.get(4).id(), ReviewStatus.REJECTED);
            c.store().insert(c.requireDataset("chat"), richExamples(c));
            ExportResult r = c.export("chat", out);
            assertThat(r.examples()).isEqualTo(252);
            assertThat(r.images()).isEqualTo(4);
            Dataset d = c.requireDataset("chat");
            c.store().forEach(d, null, original::add);
        }
        try (Curation fresh = Curation.open(dir.resolve("ws2"))) {
            ImportReport back = fresh.importFile("copy", out, ImportOptions.defaults(), ImportProgress.NONE);
            assertThat(back.problemCount()).as("%s", back.problems()).isZero();
            List<Example> copy = new ArrayList<>();
            fresh.store().forEach(fresh.requireDataset("copy"), null, copy::add);
            assertThat(copy).hasSameSizeAs(original);
            for (int i = 0; i < copy.size(); i++) {
                assertThat(copy.get(i).withId(0)).isEqualTo(original.get(i).withId(0));
            }
            assertThat(copy).filteredOn(Example::hasRejected).hasSize(2);
            assertThat(copy).filteredOn(e -> e.tools() != null).hasSize(1);
            for (String key : copy.stream().flatMap(e -> e.imageKeys().stream()).toList()) {
                assertThat(fresh.images().contains(key)).isTrue();
            }
        }
    }
}
