package dev.chameleon.workbench.web.generation;

import dev.chameleon.workbench.trainer.generate.GenerationEvent;
import dev.chameleon.workbench.trainer.generate.GenerationRequest;
import dev.chameleon.workbench.trainer.generate.GenerationResult;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Loads checkpoints and answers prompts in the background, for the playground and side-by-side views. The
 * application's engine is {@link GeneratorService}; view tests stand in a fake that streams canned events.
 *
 * <p>Events arrive on the engine's thread, in order; a view hands them to its UI with {@code UI.access}.
 * A failed load or generation completes the future exceptionally, usually with a
 * {@link dev.chameleon.workbench.trainer.generate.GenerationException} whose message says what to fix.
 */
public interface PlaygroundEngine {

    /**
     * What a loaded checkpoint can do.
     *
     * @param checkpoint  the folder it was loaded from
     * @param imageTokens codes per image (N); an image takes N + 2 positions
     * @param maxContext  the longest prompt plus answer the model takes
     */
    record Model(Path checkpoint, int imageTokens, int maxContext) {
    }

    /** Loads the checkpoint (a step-N folder or a run folder) ahead of a generation, or finds it loaded. */
    CompletableFuture<Model> load(Path checkpoint);

    /**
     * Answers one request with the checkpoint, streaming {@code events}; {@code cancelled} is polled before each
     * token (a cancelled answer ends with stop reason "cancelled"). Requests queue: one runs at a time.
     */
    CompletableFuture<GenerationResult> generate(Path checkpoint, GenerationRequest request,
            Consumer<GenerationEvent> events, BooleanSupplier cancelled);
}
