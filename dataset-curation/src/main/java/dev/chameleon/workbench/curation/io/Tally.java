package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.model.Example;

import java.util.function.LongSupplier;

/**
 * Counts what one read produced and passes it on to the listener, reporting progress every 1000 records or
 * every MiB of input, and remembering whether the listener asked to stop.
 */
final class Tally {

    private static final long EVERY_RECORDS = 1000;
    private static final long EVERY_BYTES = 1L << 20;

    private final ImportListener listener;
    private final String file;
    private LongSupplier done;
    private long total;
    private long records;
    private long examples;
    private long problems;
    private boolean cancelled;
    private long lastRecords;
    private long lastBytes;

    Tally(ImportListener listener, String file, LongSupplier done, long total) {
        this.listener = listener;
        this.file = file;
        this.done = done;
        this.total = total;
    }

    /** Points progress at another counter (a folder reads its captions file, then its images). */
    void measure(LongSupplier newDone, long newTotal) {
        this.done = newDone;
        this.total = newTotal;
    }

    /** Polls the listener; once it says stop, stays stopped. */
    boolean stop() {
        if (!cancelled && listener.cancelled()) {
            cancelled = true;
        }
        return cancelled;
    }

    void example(Example e) {
        records++;
        examples++;
        listener.example(e);
        tick();
    }

    /** A refused record at {@code line} (1-based line, or record index for archives and folders). */
    void problem(long line, String reason) {
        records++;
        problems++;
        listener.problem(new ImportProblem(file, line, reason));
        tick();
    }

    /** A problem for the whole file (line 0); not a record. */
    void fileProblem(String reason) {
        problems++;
        listener.problem(new ImportProblem(file, 0, reason));
    }

    private void tick() {
        long bytes = done.getAsLong();
        if (records - lastRecords >= EVERY_RECORDS || bytes - lastBytes >= EVERY_BYTES) {
            lastRecords = records;
            lastBytes = bytes;
            listener.progress(bytes, total);
        }
    }

    ReadSummary finish(Format format) {
        listener.progress(done.getAsLong(), total);
        return new ReadSummary(format, records, examples, problems, cancelled);
    }
}
