package dev.chameleon.workbench.web.imports;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.progressbar.ProgressBar;
import dev.chameleon.workbench.curation.io.ImportProgress;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running import: a progress bar, what has been read and stored so far, and a cancel button. The import's
 * thread reports through {@link #watch}, at most four times a second.
 */
final class ImportProgressPanel extends Div {

    private static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;

    private final ProgressBar progress = new ProgressBar();
    private final Span progressText = new Span();
    private final Button cancel = new Button("Cancel");
    /** Set while an import runs; true once the user cancelled it. */
    private AtomicBoolean cancelRequested;

    ImportProgressPanel() {
        progress.setId("import-progress");
        progressText.setId("import-progress-text");
        cancel.setId("cancel-import");
        cancel.addClickListener(e -> {
            if (cancelRequested != null) {
                cancelRequested.set(true);
                cancel.setEnabled(false);
                cancel.setText("Cancelling…");
            }
        });
        setId("import-running");
        add(progress, progressText, cancel);
        setVisible(false);
        setWidth("40em");
    }

    /**
     * Shows the panel for a new import, with {@code text} until the first progress arrives.
     *
     * @return the import's cancel flag, for {@link #watch}
     */
    AtomicBoolean start(String text) {
        cancelRequested = new AtomicBoolean();
        progress.setIndeterminate(true);
        progressText.setText(text);
        cancel.setEnabled(true);
        cancel.setText("Cancel");
        setVisible(true);
        return cancelRequested;
    }

    /** Whether an import runs. */
    boolean active() {
        return cancelRequested != null;
    }

    void finish() {
        setVisible(false);
        cancelRequested = null;
    }

    /**
     * The progress listener of one file's import ({@code label} names it), called on the import's thread; it
     * carries the cancel flag {@link #start} gave.
     */
    ImportProgress watch(UI ui, String label, AtomicBoolean cancelled) {
        return new ImportProgress() {
            private long last;

            @Override
            public void update(long bytesDone, long bytesTotal, long imported, long problems) {
                long now = System.nanoTime();
                if (now - last < PROGRESS_INTERVAL_NANOS) {
                    return;
                }
                last = now;
                ImportView.access(ui, () -> show(label, bytesDone, bytesTotal, imported, problems));
            }

            @Override
            public boolean cancelled() {
                return cancelled.get();
            }
        };
    }

    private void show(String label, long bytesDone, long bytesTotal, long imported, long problems) {
        if (bytesTotal > 0) {
            progress.setIndeterminate(false);
            progress.setValue(Math.min(1.0, (double) bytesDone / bytesTotal));
        }
        progressText.setText(String.format("%s: %,d examples stored, %,d problems, %s of %s read", label, imported,
                problems, megabytes(bytesDone), bytesTotal < 0 ? "?" : megabytes(bytesTotal)));
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
