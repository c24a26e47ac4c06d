package dev.chameleon.workbench.web.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * A progress line on standard error: redrawn in place on a terminal, one line every few seconds otherwise.
 * Work that ends within the first interval prints no line at all.
 */
final class ConsoleProgress {

    /** Formats byte counts. */
    static final LongFunction<String> MB = bytes -> String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    /** Formats example counts. */
    static final LongFunction<String> EXAMPLES = n -> String.format(Locale.ROOT, "%,d examples", n);

    private final PrintWriter err;
    private final String label;
    private final LongFunction<String> unit;
    private final boolean terminal = System.console() != null;
    private final long started = System.nanoTime();
    private long lastPrint = started;
    private boolean drawn;

    ConsoleProgress(PrintWriter err, String label, LongFunction<String> unit) {
        this.err = err;
        this.label = label;
        this.unit = unit;
    }

    /** Redraws the line if enough time has passed (or {@code force}); {@code total <= 0} means unknown. */
    synchronized void update(long done, long total, String counts, boolean force) {
        long now = System.nanoTime();
        long interval = terminal ? 200_000_000L : 5_000_000_000L;
        if (!force && now - lastPrint < interval) {
            return;
        }
        lastPrint = now;
        StringBuilder sb = new StringBuilder();
        sb.append(label).append(' ');
        if (total > 0) {
            double f = Math.min(1.0, done / (double) total);
            int filled = (int) Math.round(f * 24);
            sb.append('[').append("#".repeat(filled)).append("-".repeat(24 - filled)).append("] ");
            sb.append(String.format(Locale.ROOT, "%3.0f%% %s/%s", f * 100, unit.apply(done), unit.apply(total)));
        } else {
            sb.append(unit.apply(done));
        }
        double secs = (now - started) / 1e9;
        sb.append("  ").append(counts).append(String.format(Locale.ROOT, "  %.1fs", secs));
        if (terminal) {
            err.print("\r" + sb + "\u001b[K");
            drawn = true;
        } else {
            err.println(sb);
        }
        err.flush();
    }

    synchronized void finish() {
        if (terminal && drawn) {
            err.println();
            err.flush();
        }
    }
}
