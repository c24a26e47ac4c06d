package dev.chameleon.workbench.web.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Progress for a facade call that takes no progress callback (export, snapshot): a daemon thread watches the
 * JSONL file the call is writing and counts its lines, one per example, against the expected total. For a
 * gzip file it shows the compressed bytes written. If the file never shows up, no progress is shown; the call
 * itself is unaffected.
 */
final class WriteWatch implements AutoCloseable {

    private final ConsoleProgress line;
    private final Thread thread;
    private volatile boolean stop;

    /**
     * @param file where the call writes, or null while that is not known yet; polled until it exists
     * @param gzip whether the file is compressed (progress shows bytes written, not examples)
     */
    WriteWatch(PrintWriter err, String label, long totalExamples, Supplier<Path> file, boolean gzip) {
        this.line = new ConsoleProgress(err, label, gzip ? ConsoleProgress.MB : n -> String.format(Locale.ROOT, "%,d", n));
        this.thread = new Thread(() -> watch(gzip ? -1 : totalExamples, file), "progress " + label);
        thread.setDaemon(true);
        thread.start();
    }

    private void watch(long total, Supplier<Path> file) {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long pos = 0;
        long lines = 0;
        while (!stop) {
            try {
                Thread.sleep(100);
                Path f = file.get();
                if (f == null || !Files.exists(f)) {
                    continue;
                }
                if (total < 0) {
                    line.update(Files.size(f), -1, "written (compressed)", false);
                    continue;
                }
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                    ch.position(pos);
                    int n;
                    while ((n = ch.read(buf)) > 0) {
                        for (int i = 0; i < n; i++) {
                            if (buf.get(i) == '\n') {
                                lines++;
                            }
                        }
                        pos += n;
                        buf.clear();
                    }
                }
                line.update(lines, total, "examples written", false);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // The file was renamed into place between the check and the read: the call is finishing.
            }
        }
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        line.finish();
    }
}
