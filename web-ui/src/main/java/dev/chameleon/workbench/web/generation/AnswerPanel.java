package dev.chameleon.workbench.web.generation;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import dev.chameleon.workbench.trainer.generate.GenerationEvent;
import dev.chameleon.workbench.trainer.generate.GenerationResult;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One streamed answer: text appended as it comes, each image shown while it fills in (a partial picture every
 * 32 codes, replaced in place, then the finished one), and a status line (tokens/s, stop reason).
 *
 * <p>Events arrive on the engine's thread. They are queued and applied in batches through {@code UI.access},
 * text at most every {@link #PUSH_INTERVAL_NANOS} (pictures and the end are pushed at once), so a fast model
 * does not send the browser one message per token.
 */
public class AnswerPanel extends Div {

    /** The browser hears about new tokens at most this often. */
    static final long PUSH_INTERVAL_NANOS = 100_000_000L;

    /** Pushes text the throttle held back, for every open answer. */
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "answer-push");
        t.setDaemon(true);
        return t;
    });

    private final String idPrefix;
    private final Div body = new Div();
    private final Span status = new Span();
    private final Map<Integer, Image> images = new HashMap<>();
    private final Queue<GenerationEvent> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean pushQueued = new AtomicBoolean();
    private final AtomicBoolean pushLater = new AtomicBoolean();
    private Span text;
    private String streamingStatus;
    private volatile long lastPush;

    /** @param idPrefix prefixes the ids: "" gives "answer", "answer-text", "answer-image-0", "answer-status" */
    public AnswerPanel(String idPrefix) {
        this.idPrefix = idPrefix;
        setId(idPrefix + "answer");
        body.setId(idPrefix + "answer-body");
        body.getStyle().set("display", "flex").set("flex-direction", "column").set("gap", "var(--lumo-space-s)")
                .set("min-height", "4em").set("padding", "var(--lumo-space-s)")
                .set("border", "1px solid var(--lumo-contrast-10pct)").set("border-radius", "var(--lumo-border-radius-m)");
        status.setId(idPrefix + "answer-status");
        status.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
        add(body, status);
        setWidthFull();
    }

    /** Empties the answer and shows {@code message} as the status. */
    public void reset(String message) {
        reset(message, null);
    }

    /**
     * Empties the answer and shows {@code waiting} as the status until the first token arrives, then
     * {@code streaming} (the request may wait for a model to load or for another answer in the queue).
     */
    public void reset(String waiting, String streaming) {
        pending.clear();
        body.removeAll();
        images.clear();
        text = null;
        showStatus(waiting, false);
        streamingStatus = streaming;
    }

    /** The answer's text so far (every text piece, images left out). */
    public String text() {
        StringBuilder sb = new StringBuilder();
        body.getChildren().filter(c -> c instanceof Span).forEach(c -> sb.append(((Span) c).getText()));
        return sb.toString();
    }

    /**
     * A listener for the engine: queues each event and has {@code ui} apply the queue, throttled; text held back
     * by the throttle is pushed a moment later even when nothing follows it (e.g. while an image's first 32 codes
     * are being drawn).
     */
    public Consumer<GenerationEvent> listener(UI ui) {
        return event -> {
            pending.add(event);
            boolean urgent = !(event instanceof GenerationEvent.Text); // pictures come every 32 codes at most
            if (urgent || System.nanoTime() - lastPush >= PUSH_INTERVAL_NANOS) {
                push(ui);
            } else if (pushLater.compareAndSet(false, true)) {
                LATER.schedule(() -> {
                    pushLater.set(false);
                    push(ui);
                }, PUSH_INTERVAL_NANOS, TimeUnit.NANOSECONDS);
            }
        };
    }

    private void push(UI ui) {
        if (pending.isEmpty() || !pushQueued.compareAndSet(false, true)) {
            return; // nothing new, or a push is on its way and will take this event along
        }
        lastPush = System.nanoTime();
        try {
            ui.access(() -> {
                pushQueued.set(false);
                drain();
            });
        } catch (UIDetachedException e) {
            pushQueued.set(false); // the tab is gone; the answer finishes unseen
        }
    }

    /** Applies every queued event (call from the UI thread, e.g. before showing the result). */
    public void drain() {
        GenerationEvent e;
        while ((e = pending.poll()) != null) {
            if (streamingStatus != null) {
                showStatus(streamingStatus, false);
                streamingStatus = null;
            }
            apply(e);
        }
    }

    /** Shows one event now (UI thread). */
    void apply(GenerationEvent event) {
        if (event instanceof GenerationEvent.Text t) {
            appendText(t.piece());
        } else if (event instanceof GenerationEvent.PartialImage p) {
            showImage(p.imageIndex(), p.image(), true, "image " + (p.imageIndex() + 1) + ", " + p.codes()
                    + " codes so far");
        } else if (event instanceof GenerationEvent.ImageDone d) {
            showImage(d.imageIndex(), d.image(), false, "image " + (d.imageIndex() + 1));
        }
    }

    /** The status line for a finished answer: tokens, time, tokens/s and why it stopped. */
    public void showResult(GenerationResult r) {
        showStatus(summary(r), false);
    }

    /** Shows a message as the status line, in the error colour when {@code error}. */
    public void showStatus(String message, boolean error) {
        streamingStatus = null;
        status.setText(message == null ? "" : message);
        status.getStyle().set("color", error ? "var(--lumo-error-text-color)" : "var(--lumo-secondary-text-color)");
    }

    /** The status line's text. */
    public String status() {
        return status.getText();
    }

    /** "42 tokens in 1.3 s (32.3 tokens/s), 1 image, prompt 17 tokens; stopped: end of turn". */
    public static String summary(GenerationResult r) {
        int tokens = r.tokens().size();
        double rate = r.seconds() > 0 ? tokens / r.seconds() : 0;
        return String.format(Locale.ROOT, "%d tokens in %.1f s (%.1f tokens/s)%s, prompt %d tokens; stopped: %s",
                tokens, r.seconds(), rate, r.images().isEmpty() ? ""
                        : ", " + r.images().size() + (r.images().size() == 1 ? " image" : " images"),
                r.promptTokens(), stopReason(r.stopReason()));
    }

    /** The engine's stop reason in words. */
    static String stopReason(String reason) {
        return switch (reason == null ? "" : reason) {
            case "eos" -> "end of sequence (eos)";
            case "end_of_turn" -> "end of turn";
            case "max_tokens" -> "token limit reached (max_tokens)";
            case "cancelled" -> "stopped by you (cancelled)";
            default -> reason;
        };
    }

    private void appendText(String piece) {
        if (text == null) {
            text = new Span();
            text.setId(idPrefix + "answer-text" + (images.isEmpty() ? "" : "-" + images.size()));
            text.getStyle().set("white-space", "pre-wrap");
            body.add(text);
        }
        text.setText(text.getText() + piece);
    }

    private void showImage(int index, java.awt.image.BufferedImage picture, boolean partial, String alt) {
        Image img = images.get(index);
        if (img == null) {
            img = Pictures.image(picture, alt, Pictures.WIDTH);
            img.setId(idPrefix + "answer-image-" + index);
            images.put(index, img);
            body.add(img);
            text = null; // text after an image starts a new paragraph below it
        } else {
            img.setSrc(Pictures.dataUrl(picture));
            img.setAlt(alt);
        }
        img.getElement().setAttribute("data-state", partial ? "partial" : "done");
        img.getStyle().set("opacity", partial ? "0.8" : "1");
    }
}
