package dev.chameleon.workbench.web.generation;

import dev.chameleon.workbench.trainer.generate.GenerationEvent;
import dev.chameleon.workbench.trainer.generate.GenerationException;
import dev.chameleon.workbench.trainer.generate.GenerationRequest;
import dev.chameleon.workbench.trainer.generate.GenerationResult;
import dev.chameleon.workbench.trainer.generate.Generator;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The application's {@link PlaygroundEngine}: {@link Generator}s over checkpoints, at most
 * {@link #CACHED_MODELS} in memory (the least recently used is closed to make room), driven by one background
 * thread. Requests queue on that thread and run one at a time: on a small CPU two generations side by side
 * would each run at half speed, and one thread owning the models means none is closed while it generates.
 */
@Service
class GeneratorService implements PlaygroundEngine {

    /** Models kept loaded: enough for a side-by-side of two checkpoints without reloading. */
    static final int CACHED_MODELS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(GeneratorService.class);

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "playground-generator");
        t.setDaemon(true);
        return t;
    });
    private final LoadedModels<Generator> models;
    private volatile boolean closing;

    @Autowired
    public GeneratorService() {
        this(Generator::load);
    }

    /** An engine over models {@code loader} opens (tests). */
    GeneratorService(Function<Path, Generator> loader) {
        // The PyTorch native comes inside the sft-trainer jar; DJL must never try to download one.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        this.models = new LoadedModels<>(CACHED_MODELS, loader);
    }

    @Override
    public CompletableFuture<Model> load(Path checkpoint) {
        return submit(() -> {
            Generator g = models.get(checkpoint);
            return new Model(checkpoint, g.imageTokens(), g.maxContext());
        });
    }

    @Override
    public CompletableFuture<GenerationResult> generate(Path checkpoint, GenerationRequest request,
            Consumer<GenerationEvent> events, BooleanSupplier cancelled) {
        return submit(() -> {
            Generator g = models.get(checkpoint);
            long began = System.nanoTime();
            GenerationResult r = g.generate(request, events, () -> closing || cancelled.getAsBoolean());
            LOG.info("Generated {} tokens in {} ms from {} ({})", r.tokens().size(),
                    (System.nanoTime() - began) / 1_000_000, checkpoint, r.stopReason());
            return r;
        });
    }

    /** Queues a task on the generation thread; after {@link #close()} the future fails at once. */
    private <T> CompletableFuture<T> submit(Supplier<T> task) {
        try {
            return CompletableFuture.supplyAsync(task, thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(
                    new GenerationException("the playground's engine has shut down; the application is stopping", e));
        }
    }

    /** Stops a running generation, then closes the loaded models on their own thread. */
    @PreDestroy
    public void close() {
        closing = true;
        try {
            thread.submit(models::close);
            thread.shutdown();
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("The playground's generation thread did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RejectedExecutionException e) {
            // Already closed.
        }
    }
}
