package dev.chameleon.workbench.curation;

import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.store.Dataset;
import dev.chameleon.workbench.curation.store.ImportJob;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every import job ends in a final state with the counts that were stored, whatever happens to it. */
@Tag("unit")
class ImportJobStateTest {

    @TempDir
    Path dir;

    private Path chat(String name, int n) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("{\"messages\":[{\"role\":\"user\",\"content\":\"Question ").append(i).append(' ').append(name)
                    .append("\"},{\"role\":\"assistant\",\"content\":\"Answer ").append(i).append(".\"}]}\n");
        }
        return Files.writeString(dir.resolve(name + ".jsonl"), sb.toString());
    }

    @Test
    void aJobLeftRunningByAKilledProcessIsInterruptedWithItsStoredCountsOnOpen() {
        long job;
        try (Curation c = Curation.open(dir.resolve("ws"))) {
            Dataset d = c.createDataset("d");
            job = c.store().startImport(d, "big.jsonl");
            c.store().insert(d, List.of(TestExamples.text("a", "b", 1), TestExamples.text("c", "d", 2)), job);
            c.store().insert(d, List.of(TestExamples.text("a", "b", 1), TestExamples.text("e", "f", 3)), job);
            assertThat(c.importJob(job).orElseThrow().state()).isEqualTo("RUNNING");
            // The process dies here: finishImport never runs.
        }
        try (Curation c = Curation.open(dir.resolve("ws"))) {
            ImportJob j = c.importJob(job).orElseThrow();
            assertThat(j.state()).isEqualTo("INTERRUPTED");
            assertThat(j.imported()).isEqualTo(3);
            assertThat(j.duplicates()).isEqualTo(1);
            assertThat(j.records()).isEqualTo(4);
            assertThat(j.finishedAt()).isNotNull();
            assertThat(c.size("d")).isEqualTo(3);
        }
    }

    @Test
    void anImportThatThrowsEndsFailedWithTheCountsItStored() throws Exception {
        Path f = chat("many", 5000);
        try (Curation c = Curation.open(dir.resolve("ws"))) {
            long[] job = {0};
            assertThatThrownBy(() -> c.importFile("d", f, ImportOptions.defaults(), new ImportProgress() {
                @Override
                public void update(long bytesDone, long bytesTotal, long imported, long problems) {
                    if (imported >= 2000) {
                        throw new IllegalStateException("listener broke");
                    }
                }
            })).hasMessage("listener broke");

            List<ImportJob> jobs = java.util.stream.LongStream.rangeClosed(1, 3)
                    .mapToObj(c::importJob).flatMap(java.util.Optional::stream).toList();
            assertThat(jobs).singleElement().satisfies(j -> {
                assertThat(j.state()).isEqualTo("FAILED");
                assertThat(j.imported()).isEqualTo(c.size("d")).isGreaterThanOrEqualTo(2000);
                job[0] = j.id();
            });
        }
    }

    @Test
    void aBadFileInAMultiFileImportDoesNotStopTheFilesAfterIt() throws Exception {
        Path first = chat("first", 3);
        Path missing = dir.resolve("missing.jsonl");
        Path notData = Files.write(dir.resolve("noise.jsonl.gz"), new byte[]{1, 2, 3, 4, 5});
        Path last = chat("last", 2);
        try (Curation c = Curation.open(dir.resolve("ws"))) {
            List<FileImport> results = c.importFiles("d", List.of(first, missing, notData, last),
                    ImportOptions.defaults(), f -> ImportProgress.NONE);

            assertThat(results).extracting(FileImport::file).containsExactly(first, missing, notData, last);
            assertThat(results.get(0).report().imported()).isEqualTo(3);
            assertThat(results.get(1).failed()).isTrue();
            assertThat(results.get(1).error()).contains("missing.jsonl");
            assertThat(results.get(3).report().imported()).isEqualTo(2);
            assertThat(c.size("d")).isEqualTo(5);
            for (FileImport r : results) {
                if (r.report() != null) {
                    assertThat(c.importJob(r.report().jobId()).orElseThrow().state()).isEqualTo("DONE");
                }
            }
        }
    }
}
