package dev.chameleon.workbench.web.imports;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.io.ImportReport;
import jakarta.annotation.PreDestroy;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs imports off the request threads, one at a time (the workspace imports one file at a time anyway), and
 * owns the folder uploads land in until they are imported.
 *
 * <p>It depends on {@link Curation} so Spring stops it first: a running import is cancelled and finishes
 * its last batch before the workspace closes.
 */
@Component
class ImportJobs {

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

    /** Imports an uploaded file, then deletes it; the future completes with the report or the failure. */
    CompletableFuture<ImportReport> start(String dataset, Path file, ImportOptions options, ImportProgress progress) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return curation.importFile(dataset, file, options, progress);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e.getMessage(), e);
            } finally {
                discard(file);
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
