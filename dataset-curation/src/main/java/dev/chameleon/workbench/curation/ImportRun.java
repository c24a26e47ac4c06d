package dev.chameleon.workbench.curation;

import dev.chameleon.workbench.curation.io.Format;
import dev.chameleon.workbench.curation.io.ImportListener;
import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportProblem;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.io.ImportReport;
import dev.chameleon.workbench.curation.io.ReadSummary;
import dev.chameleon.workbench.curation.io.SourceReader;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.store.Dataset;
import dev.chameleon.workbench.curation.store.InsertResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One import, as three stages on three threads: a reader parses the input and resolves images, the calling
 * thread stores batches in the database, and an indexer adds the stored examples to the search index.
 *
 * <pre>
 *   reader thread:  file -> SourceReader -> [batch of 1000 examples] --queue(8)--> calling thread
 *   calling thread: batch -> ExampleStore.insert (one transaction, duplicates skipped) --queue(8)--> indexer
 *   indexer thread: stored batch -> SearchIndex.addNew, commit every 200,000
 * </pre>
 * The index is committed every {@value #COMMIT_EVERY} stored examples and at the end; an import killed in
 * between leaves committed batches in the database, which the next open indexes and a re-run skips.
 *
 * <p>The job always ends in a final state with the counts stored: DONE, CANCELLED, or FAILED for anything
 * thrown on any of the threads (the job's counts grow with each stored batch, in the batch's transaction, so they
 * are true even then). A job whose process was killed stays RUNNING until the next open marks it INTERRUPTED.
 */
final class ImportRun {

    private static final int BATCH = 1000;
    private static final int COMMIT_EVERY = 200_000;
    private static final List<Example> END = new ArrayList<>();

    private final Curation ws;
    private final Dataset dataset;
    private final Path file;
    private final ImportOptions options;
    private final ImportProgress progress;

    private final BlockingQueue<List<Example>> queue = new ArrayBlockingQueue<>(8);
    private final BlockingQueue<List<Example>> toIndex = new ArrayBlockingQueue<>(8);
    private volatile Throwable indexFailure;
    private volatile long indexedMaxId;
    private final List<ImportProblem> pendingProblems = new ArrayList<>();
    private volatile long bytesDone;
    private volatile long bytesTotal = -1;
    private volatile boolean stop;
    private volatile Throwable readerFailure;
    private volatile ReadSummary summary;

    ImportRun(Curation ws, Dataset dataset, Path file, ImportOptions options, ImportProgress progress) {
        this.ws = ws;
        this.dataset = dataset;
        this.file = file;
        this.options = options;
        this.progress = progress;
    }

    ImportReport run() throws IOException {
        long t0 = System.nanoTime();
        long job = ws.store().startImport(dataset, file.getFileName() == null ? file.toString()
                : file.getFileName().toString());
        Thread reader = new Thread(this::read, "import-reader");
        reader.setDaemon(true);
        reader.start();
        Thread indexer = new Thread(this::index, "import-indexer");
        indexer.setDaemon(true);
        indexer.start();

        long imported = 0;
        long duplicates = 0;
        long problemCount = 0;
        List<ImportProblem> listed = new ArrayList<>();
        String state = "FAILED"; // until the run gets to its end: an Error thrown anywhere leaves it failed
        try {
            while (true) {
                List<Example> batch = queue.poll(200, TimeUnit.MILLISECONDS);
                if (batch == null) {
                    if (!reader.isAlive() && queue.isEmpty()) {
                        break;
                    }
                    problemCount += flushProblems(job, listed);
                    progress.update(bytesDone, bytesTotal, imported, problemCount);
                    if (progress.cancelled()) {
                        stop = true;
                        break;
                    }
                    continue;
                }
                if (batch == END) {
                    break;
                }
                InsertResult r = ws.store().insert(dataset, batch, job);
                imported += r.inserted().size();
                duplicates += r.duplicates();
                if (indexFailure != null) {
                    throw new IllegalStateException("indexing failed: " + indexFailure.getMessage(), indexFailure);
                }
                if (!r.inserted().isEmpty()) {
                    toIndex.put(r.inserted());
                }
                problemCount += flushProblems(job, listed);
                progress.update(bytesDone, bytesTotal, imported, problemCount);
                if (progress.cancelled()) {
                    stop = true;
                    break; // batches still queued are dropped; a re-run imports them
                }
            }
            reader.join();
            problemCount += flushProblems(job, listed);
            if (readerFailure != null) {
                if (readerFailure instanceof IOException io) {
                    throw io;
                }
                throw new IllegalStateException("import of " + file + " failed: " + readerFailure.getMessage(),
                        readerFailure);
            }
            state = stop || (summary != null && summary.cancelled()) ? "CANCELLED" : "DONE";
        } catch (InterruptedException e) {
            stop = true;
            state = "CANCELLED";
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            stop = true;
            throw e;
        } finally {
            try {
                try {
                    toIndex.put(END);
                    indexer.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ws.index().commit(indexedMaxId);
                ws.index().refresh();
            } finally {
                ReadSummary s = summary;
                ws.store().finishImport(job, state, s == null || s.format() == null ? null : s.format().wireName(),
                        s == null || "FAILED".equals(state) ? imported + duplicates + problemCount : s.records(),
                        imported, duplicates, problemCount);
            }
            progress.update(bytesTotal < 0 ? bytesDone : bytesTotal, bytesTotal, imported, problemCount);
        }
        ReadSummary s = summary;
        Format format = s == null ? null : s.format();
        return new ImportReport(job, dataset.name(), file.toString(), format,
                s == null ? imported + duplicates + problemCount : s.records(), imported, duplicates, problemCount,
                listed, state.equals("CANCELLED"), (System.nanoTime() - t0) / 1e9);
    }

    private long flushProblems(long job, List<ImportProblem> listed) {
        List<ImportProblem> out;
        synchronized (pendingProblems) {
            if (pendingProblems.isEmpty()) {
                return 0;
            }
            out = new ArrayList<>(pendingProblems);
            pendingProblems.clear();
        }
        ws.store().addProblems(job, out);
        for (ImportProblem p : out) {
            if (listed.size() < ImportReport.MAX_LISTED) {
                listed.add(p);
            }
        }
        return out.size();
    }

    private void index() {
        long sinceCommit = 0;
        try {
            while (true) {
                List<Example> batch = toIndex.take();
                if (batch == END) {
                    return;
                }
                ws.index().addNew(dataset.name(), batch);
                indexedMaxId = Math.max(indexedMaxId, batch.get(batch.size() - 1).id());
                sinceCommit += batch.size();
                if (sinceCommit >= COMMIT_EVERY) {
                    ws.index().commit(indexedMaxId);
                    sinceCommit = 0;
                }
            }
        } catch (Throwable t) {
            indexFailure = t;
            toIndex.clear();
        }
    }

    private void read() {
        List<Example>[] batch = new List[]{new ArrayList<Example>(BATCH)};
        try {
            SourceReader reader = new SourceReader(ws.images(), ws.rules(), options);
            summary = reader.read(file, new ImportListener() {
                @Override
                public void example(Example example) {
                    // A trusted source's status (accepted, say) applies to every example it gives.
                    batch[0].add(options.status() == null ? example : example.withStatus(options.status()));
                    if (batch[0].size() >= BATCH) {
                        hand(batch[0]);
                        batch[0] = new ArrayList<>(BATCH);
                    }
                }

                @Override
                public void problem(ImportProblem problem) {
                    synchronized (pendingProblems) {
                        pendingProblems.add(problem);
                    }
                }

                @Override
                public void progress(long done, long total) {
                    bytesDone = done;
                    bytesTotal = total;
                }

                @Override
                public boolean cancelled() {
                    return stop;
                }
            });
            if (!batch[0].isEmpty()) {
                hand(batch[0]);
            }
        } catch (Throwable t) {
            readerFailure = t;
        } finally {
            try {
                while (!queue.offer(END, 100, TimeUnit.MILLISECONDS)) {
                    if (stop) {
                        queue.clear();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void hand(List<Example> b) {
        try {
            while (!queue.offer(b, 100, TimeUnit.MILLISECONDS)) {
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            stop = true;
            Thread.currentThread().interrupt();
        }
    }
}
