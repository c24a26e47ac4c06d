package dev.chameleon.workbench.trainer.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.KvCache;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Mixed-modal generation from a trained checkpoint: renders the prompt as the training template's user turn and
 * the start of the assistant turn ({@link Prompts}), then decodes with a KV cache under the modality rules
 * ({@link ModalityState}), sampling ({@link Sampling}) and, inside image blocks, classifier-free guidance
 * ({@link Guidance}), streaming {@link GenerationEvent}s. Each request's state is a {@link DecodeRow}.
 *
 * <p>The decode loop, per step (one NDScope; one NDManager per call holds the caches):
 * <pre>
 *   rows (left-padded to one length)      [pad pad BOS User: ... Assistant: ] [t1 t2 ...]
 *   prefill: forwardCached(all prompt tokens)          -> logits of the last position
 *   loop:  per row: forced token? else mask -> (guidance) -> penalty -> sample; stream events
 *          forwardCached(the B new tokens)             -> next logits
 *   guidance rows, per row while inside an image block (see DecodeRow)
 * </pre>
 * Calls are serialised (one request or batch at a time); a web app queues behind {@link #generate}.
 */
public final class Generator implements AutoCloseable {

    /** A partial image is streamed every this many codes. */
    public static final int PARTIAL_EVERY = 32;

    private final NDManager manager;
    private final ChameleonModel model;
    private final ParameterStore store;
    private final ModelConfig config;
    private final TextTokenizer text;
    private final ImageTokenizer image;
    private final boolean ownsImage;
    private final VocabularyLayout layout;
    private final Prompts prompts;

    Generator(NDManager manager, ChameleonModel model, ModelConfig config, TextTokenizer text, ImageTokenizer image,
            boolean ownsImage) {
        this.manager = manager;
        this.model = model;
        this.store = new ParameterStore(manager, false);
        this.config = config;
        this.text = text;
        this.image = image;
        this.ownsImage = ownsImage;
        this.layout = text.layout();
        this.prompts = new Prompts(text, image, config.maxContext());
    }

    /**
     * Loads a checkpoint (a step-N folder, or a run folder: its newest checkpoint) with the tokenizers it was
     * trained with.
     */
    public static Generator load(Path checkpointDir) throws GenerationException {
        return load(checkpointDir, TokenizerLoader.REAL);
    }

    /** As {@link #load(Path)}, opening the tokenizer files with {@code tokenizers}. */
    public static Generator load(Path checkpointDir, TokenizerLoader tokenizers) throws GenerationException {
        return ModelLoader.load(checkpointDir, tokenizers);
    }

    /**
     * A generator over a randomly initialised model of {@code config} (seeded): for tests and benchmarks, where
     * speed and the decoding rules matter but not what the model says. The tokenizers stay the caller's.
     */
    public static Generator untrained(ModelConfig config, long seed, TextTokenizer text, ImageTokenizer image) {
        return ModelLoader.untrained(config, seed, text, image);
    }

    /** Codes per image, N. */
    public int imageTokens() {
        return image.codesPerImage();
    }

    /** The longest sequence (prompt + answer) the model takes. */
    public int maxContext() {
        return config.maxContext();
    }

    public TextTokenizer textTokenizer() {
        return text;
    }

    public ImageTokenizer imageTokenizer() {
        return image;
    }

    VocabularyLayout layout() {
        return layout;
    }

    Prompts prompts() {
        return prompts;
    }

    /** Native arrays held directly by the model's manager (flat across generations; a leak test reads it). */
    int nativeArrays() {
        return manager.getManagedArrays().size();
    }

    /** Generates one answer; events may be null; cancelled is polled before every step. */
    public GenerationResult generate(GenerationRequest request, Consumer<GenerationEvent> events,
            BooleanSupplier cancelled) {
        return generateBatch(List.of(request), events, cancelled).get(0);
    }

    /** Generates one answer per request as one batch (rows in events are indices into {@code requests}). */
    public synchronized List<GenerationResult> generateBatch(List<GenerationRequest> requests,
            Consumer<GenerationEvent> events, BooleanSupplier cancelled) {
        if (requests == null || requests.isEmpty()) {
            throw new GenerationException("no request given; pass at least one GenerationRequest");
        }
        Consumer<GenerationEvent> sink = events == null ? e -> { } : events;
        BooleanSupplier stop = cancelled == null ? () -> false : cancelled;
        long began = System.nanoTime();
        List<DecodeRow> rows = new ArrayList<>(requests.size());
        for (int r = 0; r < requests.size(); r++) {
            rows.add(prompts.prepare(r, requests.get(r), requests.size() > 1 ? "request " + (r + 1) + ": " : ""));
        }
        // libtorch's grad mode is per thread and on by default in threads the engine did not start: with it on,
        // every cached key would hold the autograd graph of all earlier steps.
        boolean grad = JniUtils.isGradMode();
        if (grad) {
            JniUtils.setGradMode(false);
        }
        try (NDManager rm = manager.newSubManager()) {
            decode(rows, rm, sink, stop, began);
        } finally {
            rows.forEach(DecodeRow::closeGuide);
            if (grad) {
                JniUtils.setGradMode(true);
            }
        }
        return rows.stream().map(r -> r.result).toList();
    }

    private void decode(List<DecodeRow> rows, NDManager rm, Consumer<GenerationEvent> sink, BooleanSupplier stop,
            long began) {
        int b = rows.size();
        int v = config.vocabSize();
        int longest = rows.stream().mapToInt(r -> r.prompt.length).max().orElse(0);
        int[] pads = new int[b];
        for (int r = 0; r < b; r++) {
            pads[r] = longest - rows.get(r).prompt.length;
        }
        int[] mask = Arrays.stream(pads).anyMatch(p -> p > 0) ? pads : null;
        int budget = rows.stream().mapToInt(r -> r.state.remaining()).max().orElse(0);
        try (KvCache cache = newCache(rm, b, longest + budget + 1)) {
            // ---- prefill: every prompt, left-padded
            long[] ids = new long[b * longest];
            long[] pos = new long[b * longest];
            Arrays.fill(ids, layout.pad());
            for (int r = 0; r < b; r++) {
                int[] p = rows.get(r).prompt;
                for (int j = 0; j < p.length; j++) {
                    ids[r * longest + pads[r] + j] = p[j];
                    pos[r * longest + pads[r] + j] = j;
                }
            }
            float[] logits = forward(rm, ids, pos, b, longest, mask, cache);     // (B, 1, V)
            float[] row = new float[v];
            long[] next = new long[b];
            long[] nextPos = new long[b];
            while (true) {
                // ---- choose one token per live row
                int live = 0;
                for (int r = 0; r < b; r++) {
                    DecodeRow w = rows.get(r);
                    next[r] = layout.pad();
                    if (w.result != null) {
                        continue;
                    }
                    if (w.state.remaining() <= 0) {
                        w.finish("max_tokens", began, sink, this);
                        continue;
                    }
                    if (stop.getAsBoolean()) {
                        w.finish("cancelled", began, sink, this);
                        continue;
                    }
                    System.arraycopy(logits, r * v, row, 0, v);
                    int token = w.choose(row, this);
                    next[r] = token;
                    nextPos[r] = w.prompt.length + w.tokens.size();
                    if (!w.accept(token, began, sink, this, rm)) {
                        live++;
                    }
                }
                if (live == 0) {
                    return;
                }
                // ---- one cached step for the whole batch
                logits = forward(rm, next, nextPos, b, 1, mask, cache);           // (B, 1, V)
            }
        }
    }

    /**
     * One cached forward pass of {@code b} rows of {@code t} new tokens; {@code pads} (each row's left padding,
     * masked out) may be null. Returns the last position's logits, (B, 1, V), on the host.
     */
    float[] forward(NDManager rm, long[] ids, long[] pos, int b, int t, int[] pads, KvCache cache) {
        try (NDScope scope = new NDScope()) {
            NDArray idArr = rm.create(ids, new Shape(b, t));                      // (B, T)
            NDArray posArr = rm.create(pos, new Shape(b, t));                     // (B, T)
            NDArray mask = pads == null ? null : keyMask(rm, pads, cache.length() + t); // (B, 1, 1, S)
            return model.forwardCached(store, idArr, posArr, mask, cache, true).toFloatArray(); // (B, 1, V)
        }
    }

    /** A KV cache for {@code b} rows of up to {@code length} positions. */
    KvCache newCache(NDManager rm, int b, int length) {
        return model.newCache(rm, b, length);
    }

    /** (B, 1, 1, S): BLOCKED at each row's left padding, 0 elsewhere. */
    private static NDArray keyMask(NDManager m, int[] pads, int s) {
        float[] mask = new float[pads.length * s];
        for (int r = 0; r < pads.length; r++) {
            Arrays.fill(mask, r * s, r * s + pads[r], ChameleonModel.BLOCKED);
        }
        return m.create(mask, new Shape(pads.length, 1, 1, s));
    }

    @Override
    public void close() {
        manager.close();
        if (ownsImage) {
            image.close();
        }
    }
}
