package dev.chameleon.workbench.web.imports;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.FileImport;
import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportPreview;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.io.SourceReader;
import jakarta.annotation.PreDestroy;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs imports off the request threads, one at a time (the workspace imports one file at a time anyway), previews
 * uploads, and owns the folder uploads land in until they are imported.
 *
 * <p>It depends on {@link Curation} so Spring stops it first: a running import is cancelled and finishes
 * its last batch before the workspace closes.
 */
@Component
class ImportJobs {

    /** How many examples of each upload the preview shows. */
    static final int PREVIEW_EXAMPLES = 5;

    private final Curation curation;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "workbench-import");
        t.setDaemon(true);
        return t;
    });

    ImportJobs(Curation curation) {
        this.curation = curation;
        discardLeftovers(curation.root().resolve("uploads"));
    }

    /** Uploads a crashed or killed server never imported; only this process can hold the workspace open. */
    private static void discardLeftovers(Path uploads) {
        if (!Files.isDirectory(uploads)) {
            return;
        }
        try (var dirs = Files.list(uploads)) {
            for (Path dir : dirs.toList()) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException ignored) {
            // Leftovers only cost disk space; the next start tries again.
        }
    }

    /**
     * A fresh path for an upload, inside the workspace (same disk as the data, not a small /tmp), keeping
     * the uploaded name's extension so the importer can recognise {@code .jsonl.gz} or {@code .tar}.
     */
    Path uploadTarget(String fileName) throws IOException {
        Path dir = curation.root().resolve("uploads").resolve(UUID.randomUUID().toString());
        Files.createDirectories(dir);
        return dir.resolve(safeName(fileName));
    }

    /**
     * The first examples an upload would give with these options (never fetching remote images: a preview must be
     * quick and offline), with the format and mapping in effect and the kind the records look like.
     */
    ImportPreview preview(Path file, ImportOptions options) throws IOException {
        return new SourceReader(curation.images(), curation.rules(), options.withFetchImages(false))
                .preview(file, PREVIEW_EXAMPLES);
    }

    /**
     * Imports uploaded files in order, then deletes them; a file that fails is reported and the next one goes on.
     * The future completes with one result per file read, or fails when the dataset refuses the import as a whole.
     */
    CompletableFuture<List<FileImport>> start(String dataset, List<Path> files, ImportOptions options,
                                              Function<Path, ImportProgress> progress) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return curation.importFiles(dataset, files, options, progress);
            } finally {
                files.forEach(ImportJobs::discard);
            }
        }, executor);
    }

    /** Deletes an upload that will not be imported, and its folder. */
    static void discard(Path file) {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.getParent());
        } catch (IOException ignored) {
            // A leftover upload folder is harmless; the next start of the workspace does not read it.
        }
    }

    /** Keeps letters, digits, dots, dashes and underscores of the last path segment; never empty. */
    static String safeName(String fileName) {
        String name = fileName == null ? "" : fileName.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        if (name.isEmpty() || name.chars().allMatch(c -> c == '.')) {
            name = "upload";
        }
        return name;
    }

    @PreDestroy
    void stop() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(30, TimeUnit.SECONDS);
    }
}
