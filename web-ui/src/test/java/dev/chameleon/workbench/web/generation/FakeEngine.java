package dev.chameleon.workbench.web.generation;

import dev.chameleon.workbench.trainer.generate.GenerationEvent;
import dev.chameleon.workbench.trainer.generate.GenerationException;
import dev.chameleon.workbench.trainer.generate.GenerationRequest;
import dev.chameleon.workbench.trainer.generate.GenerationResult;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A {@link PlaygroundEngine} for view tests that streams canned events on its own thread, one request at a time
 * like the real one: text in two pieces, a partial image (the top half of a red square, then it waits for
 * {@link #releasePartial}), the finished image and the end; or text until stopped; or two pieces of text
 * and a pause (held like the partial image); or a failure.
 */
public class FakeEngine implements PlaygroundEngine {

    /** What the next generations do. */
    public enum Script { TEXT_AND_IMAGE, UNTIL_STOPPED, TEXT_THEN_HOLD, FAIL }

    public static final String FAILURE = "the text tokenizer of checkpoint /x/step-3 is missing: looked at "
            + "[/x/tokenizers/tokenizer.json]; copy the tokenizer the run was trained with there";

    public volatile Script script = Script.TEXT_AND_IMAGE;
    /** Released, the image finishes; the tests that watch the partial image replace it before generating. */
    public volatile CountDownLatch partialShown = new CountDownLatch(0);
    public final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();
    public final List<Path> checkpoints = new CopyOnWriteArrayList<>();
    public final List<Path> loads = new CopyOnWriteArrayList<>();

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-engine");
        t.setDaemon(true);
        return t;
    });

    /** Holds the next image at its partial stage until {@link #releasePartial()}. */
    public void holdPartial() {
        partialShown = new CountDownLatch(1);
    }

    public void releasePartial() {
        partialShown.countDown();
    }

    @Override
    public CompletableFuture<Model> load(Path checkpoint) {
        loads.add(checkpoint);
        return CompletableFuture.completedFuture(new Model(checkpoint, 64, 512));
    }

    @Override
    public CompletableFuture<GenerationResult> generate(Path checkpoint, GenerationRequest request,
            Consumer<GenerationEvent> events, BooleanSupplier cancelled) {
        Script s = script;
        CountDownLatch partial = partialShown;
        return CompletableFuture.supplyAsync(() -> {
            requests.add(request);
            checkpoints.add(checkpoint);
            long began = System.nanoTime();
            switch (s) {
                case FAIL -> throw new GenerationException(FAILURE);
                case TEXT_THEN_HOLD -> {
                    // Two pieces at once, then nothing until released: the second must still reach the screen.
                    events.accept(new GenerationEvent.Text(0, "One, "));
                    events.accept(new GenerationEvent.Text(0, "two."));
                    await(partial);
                    return end(events, "One, two.", List.of(), 4, "eos", began);
                }
                case UNTIL_STOPPED -> {
                    StringBuilder text = new StringBuilder("Thinking");
                    events.accept(new GenerationEvent.Text(0, "Thinking"));
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (!cancelled.getAsBoolean() && System.nanoTime() < deadline) {
                        sleep(5);
                        events.accept(new GenerationEvent.Text(0, "."));
                        text.append('.');
                    }
                    return end(events, text.toString(), List.of(), text.length(), "cancelled", began);
                }
                default -> {
                    String answer = "Here is a red square " + (checkpoint.getFileName()) + " seed "
                            + request.sampling().seed() + ":";
                    events.accept(new GenerationEvent.Text(0, answer.substring(0, 8)));
                    events.accept(new GenerationEvent.Text(0, answer.substring(8)));
                    events.accept(new GenerationEvent.PartialImage(0, 0, 32, square(true)));
                    await(partial);
                    BufferedImage done = square(false);
                    events.accept(new GenerationEvent.ImageDone(0, 0, done));
                    return end(events, answer, List.of(done), 30 + 66, "end_of_turn", began);
                }
            }
        }, thread);
    }

    /** A 32 px red square on white; {@code half}: only its top half drawn, the rest grey (padded codes). */
    public static BufferedImage square(boolean half) {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 32, 32);
        g.setColor(Color.RED);
        g.fillRect(8, 8, 16, 16);
        if (half) {
            g.setColor(Color.GRAY);
            g.fillRect(0, 16, 32, 16);
        }
        g.dispose();
        return img;
    }

    private static GenerationResult end(Consumer<GenerationEvent> events, String text, List<BufferedImage> images,
            int tokens, String reason, long began) {
        GenerationResult r = new GenerationResult(text, images, java.util.Collections.nCopies(tokens, 7), reason, 12,
                Math.max(1e-3, (System.nanoTime() - began) / 1e9));
        events.accept(new GenerationEvent.End(0, r));
        return r;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the partial image");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
