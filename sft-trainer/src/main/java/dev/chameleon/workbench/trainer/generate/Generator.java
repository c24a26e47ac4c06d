package dev.chameleon.workbench.trainer.generate;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.KvCache;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.render.ChatRenderer;
import dev.chameleon.workbench.trainer.tokens.ImageFit;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Mixed-modal generation from a trained checkpoint: renders the prompt as the training template's user turn and
 * the start of the assistant turn, then decodes with a KV cache under the modality rules
 * ({@link ModalityState}), sampling ({@link Sampling}) and, inside image blocks, classifier-free guidance
 * ({@link Guidance}), streaming {@link GenerationEvent}s.
 *
 * <p>The decode loop, per step (one NDScope; one NDManager per call holds the caches):
 * <pre>
 *   rows (left-padded to one length)      [pad pad BOS User: ... Assistant: ] [t1 t2 ...]
 *   prefill: forwardCached(all prompt tokens)          -> logits of the last position
 *   loop:  per row: forced token? else mask -> (guidance) -> penalty -> sample; stream events
 *          forwardCached(the B new tokens)             -> next logits
 *   guidance rows, per row while inside an image block (own cache, prefilled at begin-image):
 *          image-only  [BOS User: &lt;images&gt; eot Assistant: begin-image c1 c2 ...]
 *          uncond      [BOS begin-image c1 c2 ...]
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
    private final int n;
    private final int[] userHeader;
    private final int[] assistantHeader;

    private Generator(NDManager manager, ChameleonModel model, ModelConfig config, TextTokenizer text,
            ImageTokenizer image, boolean ownsImage) {
        this.manager = manager;
        this.model = model;
        this.store = new ParameterStore(manager, false);
        this.config = config;
        this.text = text;
        this.image = image;
        this.ownsImage = ownsImage;
        this.layout = text.layout();
        this.n = image.codesPerImage();
        this.userHeader = text.encode(ChatRenderer.header(Role.USER));
        this.assistantHeader = text.encode(ChatRenderer.header(Role.ASSISTANT));
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
        CheckpointFiles files = CheckpointFiles.resolve(checkpointDir);
        TextTokenizer text;
        try {
            text = tokenizers.text(files.textTokenizer());
        } catch (IOException | RuntimeException e) {
            throw new GenerationException("the text tokenizer " + files.textTokenizer() + " cannot be loaded ("
                    + e.getMessage() + "); use the tokenizer.json the run was trained with", e);
        }
        ImageTokenizer img;
        try {
            img = tokenizers.image(files.imageTokenizer());
        } catch (IOException | RuntimeException e) {
            throw new GenerationException("the image tokenizer " + files.imageTokenizer() + " cannot be loaded ("
                    + e.getMessage() + "); use the image tokenizer the run was trained with", e);
        }
        try {
            checkCompatible(files.model(), text, img, files.checkpoint().toString());
            NDManager manager = NDManager.newBaseManager();
            try {
                ChameleonModel net = new ChameleonModel(files.model());
                net.initialize(manager, DataType.FLOAT32, new Shape(1, 8));
                readWeights(files.checkpoint().resolve(CheckpointFiles.MODEL), net.getParameters());
                return new Generator(manager, net, files.model(), text, img, true);
            } catch (RuntimeException e) {
                manager.close();
                throw e;
            }
        } catch (RuntimeException e) {
            img.close();
            throw e;
        }
    }

    /**
     * A generator over a randomly initialised model of {@code config} (seeded): for tests and benchmarks, where
     * speed and the decoding rules matter but not what the model says. The tokenizers stay the caller's.
     */
    public static Generator untrained(ModelConfig config, long seed, TextTokenizer text, ImageTokenizer image) {
        checkCompatible(config, text, image, "the untrained model");
        NDManager manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed((int) seed);
        ChameleonModel net = new ChameleonModel(config);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 8));
        return new Generator(manager, net, config, text, image, false);
    }

    private static void checkCompatible(ModelConfig config, TextTokenizer text, ImageTokenizer image, String what) {
        VocabularyLayout l = text.layout();
        if (l.size() != config.vocabSize()) {
            throw new GenerationException(what + " has a vocabulary of " + config.vocabSize() + " ids but the text "
                    + "tokenizer has " + l.size() + "; use the tokenizer the model was trained with");
        }
        if (l.codebookSize() != image.codebookSize()) {
            throw new GenerationException("the text tokenizer reserves " + l.codebookSize() + " image codes but the "
                    + "image tokenizer has a codebook of " + image.codebookSize() + "; use the pair the run used");
        }
    }

    /** Reads model.bin (count, then name, length and floats per parameter) into the model's parameters. */
    private static void readWeights(Path file, PairList<String, Parameter> params) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            int count = in.readInt();
            if (count != params.size()) {
                throw new GenerationException(file + " holds " + count + " parameters but the model config in its "
                        + "provenance makes " + params.size() + "; the checkpoint is damaged or from another version");
            }
            for (Pair<String, Parameter> p : params) {
                String name = in.readUTF();
                int len = in.readInt();
                NDArray into = p.getValue().getArray();
                if (!name.equals(p.getKey()) || len != into.size()) {
                    throw new GenerationException(file + ": parameter " + name + " (" + len + " values) where the model"
                            + " has " + p.getKey() + " " + into.getShape() + "; the checkpoint does not match its"
                            + " provenance's model config");
                }
                byte[] bytes = new byte[len * 4];
                in.readFully(bytes);
                float[] f = new float[len];
                java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(f);
                into.set(FloatBuffer.wrap(f));
            }
        } catch (IOException e) {
            throw new GenerationException(file + " cannot be read (" + e.getMessage() + "); the checkpoint is damaged,"
                    + " use another one", e);
        }
    }

    /** Codes per image, N. */
    public int imageTokens() {
        return n;
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
        List<Row> rows = new ArrayList<>(requests.size());
        for (int r = 0; r < requests.size(); r++) {
            rows.add(prepare(r, requests.get(r), requests.size() > 1 ? "request " + (r + 1) + ": " : ""));
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
            for (Row row : rows) {
                row.closeGuide();
            }
            if (grad) {
                JniUtils.setGradMode(true);
            }
        }
        List<GenerationResult> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            out.add(row.result);
        }
        return out;
    }

    // ---- prompt

    /** Renders and checks one request; everything a user can get wrong fails here, before any decoding. */
    private Row prepare(int index, GenerationRequest q, String where) {
        List<int[]> imageCodes = new ArrayList<>();
        for (int i = 0; i < q.images().size(); i++) {
            BufferedImage img = q.images().get(i);
            if (img == null) {
                throw new GenerationException(where + "prompt image " + (i + 1) + " is missing (null): it could not be"
                        + " read; give a PNG, JPEG, GIF or BMP file");
            }
            int[] codes;
            try {
                codes = image.encode(img, ImageFit.PAD);
            } catch (IllegalArgumentException e) {
                throw new GenerationException(where + "prompt image " + (i + 1) + " cannot be encoded (" + e.getMessage()
                        + "); give another image", e);
            }
            if (codes.length != n) {
                throw new IllegalStateException("the image tokenizer returned " + codes.length + " codes, not " + n);
            }
            imageCodes.add(codes);
        }
        int[] prompt = renderPrompt(q.prompt(), imageCodes, true);
        int context = config.maxContext();
        if (prompt.length >= context) {
            throw new GenerationException(where + "the prompt is " + prompt.length + " tokens but the model's context is "
                    + context + " (max_context), leaving no room for an answer; shorten the prompt or give fewer images"
                    + " (each image takes " + (n + 2) + " tokens)");
        }
        int budget = Math.min(q.maxNewTokens(), context - prompt.length);
        if (q.mode() == Mode.IMAGE && budget < n + 2) {
            throw new GenerationException(where + "an image needs " + (n + 2) + " positions (begin-image, " + n
                    + " codes, end-image) but only " + budget + " remain (max_new_tokens " + q.maxNewTokens()
                    + ", context " + context + ", prompt " + prompt.length + "); raise max_new_tokens or shorten the prompt");
        }
        int[] imageOnly = renderPrompt("", imageCodes, false);
        return new Row(index, q, prompt, imageOnly, new ModalityState(layout, q.mode(), n, budget),
                new Sampler(q.sampling(), q.sampling().seed() * 0x9E3779B97F4A7C15L + index));
    }

    /**
     * The training template's user turn (BOS, "User: ", image blocks, the text, end-of-turn) followed by
     * "Assistant: ", as {@link ChatRenderer} renders a user message whose parts are the images then the text.
     */
    int[] renderPrompt(String prompt, List<int[]> imageCodes, boolean withText) {
        int[] body = withText && !prompt.isEmpty() ? text.encode(prompt) : new int[0];
        int len = 1 + userHeader.length + imageCodes.size() * (n + 2) + body.length + 1 + assistantHeader.length;
        int[] out = new int[len];
        int k = 0;
        out[k++] = layout.bos();
        for (int id : userHeader) {
            out[k++] = id;
        }
        for (int[] codes : imageCodes) {
            out[k++] = layout.beginImage();
            for (int c : codes) {
                out[k++] = layout.imageToken(c);
            }
            out[k++] = layout.endImage();
        }
        for (int id : body) {
            out[k++] = id;
        }
        out[k++] = layout.endOfTurn();
        for (int id : assistantHeader) {
            out[k++] = id;
        }
        return out;
    }

    // ---- decoding

    private void decode(List<Row> rows, NDManager rm, Consumer<GenerationEvent> sink, BooleanSupplier stop,
            long began) {
        int b = rows.size();
        int v = config.vocabSize();
        int longest = rows.stream().mapToInt(r -> r.prompt.length).max().orElse(0);
        int[] pads = new int[b];
        for (int r = 0; r < b; r++) {
            pads[r] = longest - rows.get(r).prompt.length;
        }
        boolean padded = Arrays.stream(pads).anyMatch(p -> p > 0);
        int budget = rows.stream().mapToInt(r -> r.state.remaining()).max().orElse(0);
        KvCache cache = model.newCache(rm, b, longest + budget + 1);
        float[] logits;
        // ---- prefill: every prompt, left-padded
        try (NDScope scope = new NDScope()) {
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
            NDArray idArr = rm.create(ids, new Shape(b, longest));                // (B, T)
            NDArray posArr = rm.create(pos, new Shape(b, longest));               // (B, T)
            NDArray mask = padded ? keyMask(rm, pads, longest) : null;            // (B, 1, 1, T)
            logits = model.forwardCached(store, idArr, posArr, mask, cache, true).toFloatArray(); // (B, 1, V)
        }
        float[] row = new float[v];
        long[] next = new long[b];
        long[] nextPos = new long[b];
        for (int step = 0; ; step++) {
            // ---- choose one token per live row
            int live = 0;
            for (int r = 0; r < b; r++) {
                Row w = rows.get(r);
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
                int token = choose(w, row, rm);
                next[r] = token;
                nextPos[r] = w.prompt.length + w.tokens.size();
                if (w.accept(token, began, sink, this, rm)) {
                    continue;
                }
                live++;
            }
            if (live == 0) {
                break;
            }
            // ---- one cached step for the whole batch
            try (NDScope scope = new NDScope()) {
                NDArray idArr = rm.create(next, new Shape(b, 1));                 // (B, 1)
                NDArray posArr = rm.create(nextPos, new Shape(b, 1));             // (B, 1)
                NDArray mask = padded ? keyMask(rm, pads, cache.length() + 1) : null; // (B, 1, 1, S)
                logits = model.forwardCached(store, idArr, posArr, mask, cache, true).toFloatArray(); // (B, 1, V)
            }
        }
        cache.close();
    }

    /** (B, 1, 1, S): BLOCKED at each row's left padding, 0 elsewhere. */
    private static NDArray keyMask(NDManager m, int[] pads, int s) {
        float[] mask = new float[pads.length * s];
        for (int r = 0; r < pads.length; r++) {
            Arrays.fill(mask, r * s, r * s + pads[r], ChameleonModel.BLOCKED);
        }
        return m.create(mask, new Shape(pads.length, 1, 1, s));
    }

    /** The row's next token: forced by the rules, or masked, guided, penalised and sampled. */
    private int choose(Row w, float[] logits, NDManager rm) {
        int forced = w.state.forced();
        if (forced >= 0) {
            return forced;
        }
        if (w.state.inImage() && w.guideLogits != null) {
            int v = logits.length;
            float[] i = Arrays.copyOfRange(w.guideLogits, 0, v);
            float[] u = Arrays.copyOfRange(w.guideLogits, v, 2 * v);
            w.request.guidance().combine(logits, i, u, logits);
        }
        w.state.mask(logits);
        if (!w.state.inImage()) {
            Sampler.penalize(logits, w.seenArray(this), w.request.sampling().repetitionPenalty());
        }
        return w.sampler.sample(logits);
    }

    /** Prefills the two guidance rows of {@code w} (image-only prompt, [BOS]) ending in begin-image. */
    private void startGuide(Row w, NDManager rm) {
        int[] a = Arrays.copyOf(w.imageOnly, w.imageOnly.length + 1);
        a[a.length - 1] = layout.beginImage();
        int[] u = {layout.bos(), layout.beginImage()};
        int t = a.length;
        int[] pads = {0, t - u.length};
        long[] ids = new long[2 * t];
        long[] pos = new long[2 * t];
        Arrays.fill(ids, layout.pad());
        for (int j = 0; j < t; j++) {
            ids[j] = a[j];
            pos[j] = j;
        }
        for (int j = 0; j < u.length; j++) {
            ids[t + pads[1] + j] = u[j];
            pos[t + pads[1] + j] = j;
        }
        w.guidePads = pads;
        w.guideCache = model.newCache(rm, 2, t + n + 1);
        try (NDScope scope = new NDScope()) {
            NDArray idArr = rm.create(ids, new Shape(2, t));                      // (2, T)
            NDArray posArr = rm.create(pos, new Shape(2, t));                     // (2, T)
            NDArray mask = keyMask(rm, pads, t);                                  // (2, 1, 1, T)
            w.guideLogits = model.forwardCached(store, idArr, posArr, mask, w.guideCache, true).toFloatArray(); // (2, 1, V)
        }
        w.guideLength = new int[] {a.length, u.length};
    }

    /** Feeds an image code to the guidance rows. */
    private void stepGuide(Row w, int code, NDManager rm) {
        try (NDScope scope = new NDScope()) {
            NDArray idArr = rm.create(new long[] {code, code}, new Shape(2, 1));  // (2, 1)
            NDArray posArr = rm.create(new long[] {w.guideLength[0], w.guideLength[1]}, new Shape(2, 1)); // (2, 1)
            NDArray mask = keyMask(rm, w.guidePads, w.guideCache.length() + 1);   // (2, 1, 1, S)
            w.guideLogits = model.forwardCached(store, idArr, posArr, mask, w.guideCache, true).toFloatArray(); // (2, 1, V)
        }
        w.guideLength[0]++;
        w.guideLength[1]++;
    }

    private BufferedImage decodeImage(int[] codes) {
        return image.decode(codes);
    }

    /** One request's decoding state. */
    private static final class Row {
        final int index;
        final GenerationRequest request;
        final int[] prompt;
        final int[] imageOnly;
        final ModalityState state;
        final Sampler sampler;
        final List<Integer> tokens = new ArrayList<>();
        final List<Integer> textIds = new ArrayList<>();
        final List<BufferedImage> images = new ArrayList<>();
        int[] codes;
        int emittedChars;
        String decoded = "";
        KvCache guideCache;
        float[] guideLogits;
        int[] guidePads;
        int[] guideLength;
        GenerationResult result;

        Row(int index, GenerationRequest request, int[] prompt, int[] imageOnly, ModalityState state, Sampler sampler) {
            this.index = index;
            this.request = request;
            this.prompt = prompt;
            this.imageOnly = imageOnly;
            this.state = state;
            this.sampler = sampler;
        }

        /** Records the token and streams what it completes; true when the row is finished. */
        boolean accept(int token, long began, Consumer<GenerationEvent> sink, Generator g, NDManager rm) {
            boolean wasInImage = state.inImage();
            boolean end = state.accept(token);
            tokens.add(token);
            VocabularyLayout l = g.layout;
            if (token >= l.textStart()) {
                seenArray(g)[token] = true;
                textIds.add(token);
                streamText(g, sink, false);
            }
            if (!wasInImage && state.inImage()) {
                codes = new int[g.n];
                if (!request.guidance().isOff()) {
                    g.startGuide(this, rm);
                }
            } else if (wasInImage && state.inImage()) {
                int c = state.codes();
                codes[c - 1] = l.imageCode(token);
                if (c == g.n) {
                    closeGuide();
                    BufferedImage done = g.decodeImage(codes);
                    images.add(done);
                    sink.accept(new GenerationEvent.ImageDone(index, images.size() - 1, done));
                } else {
                    if (guideCache != null) {
                        g.stepGuide(this, token, rm);
                    }
                    if (c % PARTIAL_EVERY == 0) {
                        int[] padded = Arrays.copyOf(codes, g.n); // codes not yet generated stay 0
                        Arrays.fill(padded, c, g.n, 0);
                        sink.accept(new GenerationEvent.PartialImage(index, images.size(), c, g.decodeImage(padded)));
                    }
                }
            }
            if (end) {
                finish(token == l.eos() ? "eos" : "end_of_turn", began, sink, g);
                return true;
            }
            return false;
        }

        private boolean[] seenArray(Generator g) {
            if (seenHolder == null) {
                seenHolder = new boolean[g.config.vocabSize()];
                for (int id : prompt) {
                    if (id >= g.layout.textStart()) {
                        seenHolder[id] = true;
                    }
                }
            }
            return seenHolder;
        }

        boolean[] seenHolder;

        /** Emits the text decoded since the last piece; holds back an incomplete UTF-8 character unless final. */
        void streamText(Generator g, Consumer<GenerationEvent> sink, boolean last) {
            int[] ids = textIds.stream().mapToInt(Integer::intValue).toArray();
            String all = g.text.decode(ids);
            if (!last && all.endsWith("\uFFFD")) {
                return;
            }
            decoded = all;
            if (all.length() > emittedChars) {
                sink.accept(new GenerationEvent.Text(index, all.substring(emittedChars)));
                emittedChars = all.length();
            }
        }

        void finish(String reason, long began, Consumer<GenerationEvent> sink, Generator g) {
            closeGuide();
            streamText(g, sink, true);
            result = new GenerationResult(decoded, images, tokens, reason, prompt.length,
                    (System.nanoTime() - began) / 1e9);
            sink.accept(new GenerationEvent.End(index, result));
        }

        void closeGuide() {
            if (guideCache != null) {
                guideCache.close();
                guideCache = null;
                guideLogits = null;
            }
        }
    }

    @Override
    public void close() {
        manager.close();
        if (ownsImage) {
            image.close();
        }
    }
}
