package dev.chameleon.workbench.trainer.generate;

import ai.djl.ndarray.NDManager;
import dev.chameleon.workbench.trainer.model.KvCache;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * One request's decoding state inside a batch: its prompt, modality rules, sampler, the tokens so far, the text
 * and images they make, and, while inside an image block with guidance on, its two guidance rows.
 *
 * <pre>
 *   guidance rows (own cache, prefilled at begin-image, one code per step):
 *     image-only  [BOS User: &lt;images&gt; eot Assistant: begin-image c1 c2 ...]
 *     uncond      [pad ... pad BOS begin-image c1 c2 ...]
 * </pre>
 */
final class DecodeRow {

    final int index;
    final GenerationRequest request;
    final int[] prompt;
    final int[] imageOnly;
    final ModalityState state;
    final Sampler sampler;
    final List<Integer> tokens = new ArrayList<>();
    private final List<Integer> textIds = new ArrayList<>();
    private final List<BufferedImage> images = new ArrayList<>();
    private int[] codes;
    private int emittedChars;
    private String decoded = "";
    private boolean[] seen;
    private KvCache guideCache;
    /** (2, 1, V) logits of the image-only and unconditional rows, while guiding. */
    private float[] guideLogits;
    private int[] guidePads;
    private int[] guideLength;
    GenerationResult result;

    DecodeRow(int index, GenerationRequest request, int[] prompt, int[] imageOnly, ModalityState state,
            Sampler sampler) {
        this.index = index;
        this.request = request;
        this.prompt = prompt;
        this.imageOnly = imageOnly;
        this.state = state;
        this.sampler = sampler;
    }

    /** The row's next token: forced by the rules, or masked, guided, penalised and sampled from {@code logits}. */
    int choose(float[] logits, Generator g) {
        int forced = state.forced();
        if (forced >= 0) {
            return forced;
        }
        if (state.inImage() && guideLogits != null) {
            int v = logits.length;
            float[] i = Arrays.copyOfRange(guideLogits, 0, v);
            float[] u = Arrays.copyOfRange(guideLogits, v, 2 * v);
            request.guidance().combine(logits, i, u, logits);
        }
        state.mask(logits);
        if (!state.inImage()) {
            Sampler.penalize(logits, seen(g), request.sampling().repetitionPenalty());
        }
        return sampler.sample(logits);
    }

    /** Records the token and streams what it completes; true when the row is finished. */
    boolean accept(int token, long began, Consumer<GenerationEvent> sink, Generator g, NDManager rm) {
        boolean wasInImage = state.inImage();
        boolean end = state.accept(token);
        tokens.add(token);
        VocabularyLayout l = g.layout();
        int n = g.imageTokens();
        if (token >= l.textStart()) {
            seen(g)[token] = true;
            textIds.add(token);
            streamText(g, sink, false);
        }
        if (!wasInImage && state.inImage()) {
            codes = new int[n];
            if (!request.guidance().isOff()) {
                startGuide(g, rm);
            }
        } else if (wasInImage && state.inImage()) {
            int c = state.codes();
            codes[c - 1] = l.imageCode(token);
            if (c == n) {
                closeGuide();
                BufferedImage done = picture(g, codes);
                images.add(done);
                sink.accept(new GenerationEvent.ImageDone(index, images.size() - 1, done));
            } else {
                if (guideCache != null) {
                    stepGuide(g, token, rm);
                }
                if (c % Generator.PARTIAL_EVERY == 0) {
                    int[] padded = Arrays.copyOf(codes, n); // codes not yet generated stay 0
                    Arrays.fill(padded, c, n, 0);
                    sink.accept(new GenerationEvent.PartialImage(index, images.size(), c,
                            picture(g, padded)));
                }
            }
        }
        if (end) {
            finish(token == l.eos() ? "eos" : "end_of_turn", began, sink, g);
            return true;
        }
        return false;
    }

    /** Text ids of the prompt and the answer so far (for the repetition penalty). */
    private boolean[] seen(Generator g) {
        if (seen == null) {
            seen = new boolean[g.layout().size()];
            for (int id : prompt) {
                if (id >= g.layout().textStart()) {
                    seen[id] = true;
                }
            }
        }
        return seen;
    }

    /** Emits the text decoded since the last piece; holds back an incomplete UTF-8 character unless final. */
    private void streamText(Generator g, Consumer<GenerationEvent> sink, boolean last) {
        int[] ids = textIds.stream().mapToInt(Integer::intValue).toArray();
        String all = g.textTokenizer().decode(ids);
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

    /** Prefills the two guidance rows (image-only prompt, [BOS]), each ending in begin-image. */
    private void startGuide(Generator g, NDManager rm) {
        VocabularyLayout layout = g.layout();
        int[] a = Arrays.copyOf(imageOnly, imageOnly.length + 1);
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
        guidePads = pads;
        guideCache = g.newCache(rm, 2, t + g.imageTokens() + 1);
        guideLogits = g.forward(rm, ids, pos, 2, t, pads, guideCache);           // (2, 1, V)
        guideLength = new int[] {a.length, u.length};
    }

    /** Feeds an image code to the guidance rows. */
    private void stepGuide(Generator g, int code, NDManager rm) {
        long[] ids = {code, code};
        long[] pos = {guideLength[0], guideLength[1]};
        guideLogits = g.forward(rm, ids, pos, 2, 1, guidePads, guideCache);      // (2, 1, V)
        guideLength[0]++;
        guideLength[1]++;
    }

    void closeGuide() {
        if (guideCache != null) {
            guideCache.close();
            guideCache = null;
            guideLogits = null;
        }
    }

    /** The image of {@code codes}; an image tokenizer without a decoder ends generation with its reason. */
    private static BufferedImage picture(Generator g, int[] codes) {
        try {
            return g.imageTokenizer().decode(codes);
        } catch (UnsupportedOperationException e) {
            throw new GenerationException("the model drew an image but its image tokenizer cannot turn codes into"
                    + " pixels: " + e.getMessage(), e);
        }
    }
}
