package dev.chameleon.workbench.trainer.render;

import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.trainer.tokens.ImageFit;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Renders an example as a training sequence with the workbench chat template.
 *
 * <p>The template: BOS, then per message a role header as plain text ({@code "User: "}, {@code "Assistant: "},
 * {@code "System: "}), the message's parts in order, and an end-of-turn. Consecutive text parts are joined with a
 * newline; an image is begin-image, exactly N codes ({@link ImageTokenizer#codesPerImage()}), end-image, never cut.
 * Images in system and user turns are padded to the square ({@link ImageFit#PAD}); images in answers are
 * centre-cropped ({@link ImageFit#CENTER_CROP}). The end-of-turn that closes the prompt, followed by the
 * assistant header, is the distinct separator between prompt and answer that the Chameleon SFT recipe asks for;
 * at inference the prompt is rendered the same way and ends with {@code "Assistant: "}. No EOS is appended: the
 * model learns to stop on the answer's end-of-turn. Role headers are ordinary text tokens, not reserved ids, so
 * any BPE vocabulary (ours or the released one) renders without extra specials.
 *
 * <p>A Visual Chat example (N = 4 for the drawing; 1024 at 512 px), loss marked {@code L}:
 * <pre>
 * pos  token            modality  loss   message
 *  0   &lt;s&gt;              special   .      -
 *  1   "User"           text      .      0 user       header
 *  2   ": "             text      .      0
 *  3   &lt;racm3:break&gt;    special   .      0            prompt image, padded
 *  4-7 IMG c0..c3       image     .      0
 *  8   &lt;eoss&gt;           special   .      0
 *  9   "What shape?"    text      .      0
 * 10   &lt;eot&gt;            special   .      0            end-of-turn: prompt ends here
 * 11   "Assistant"      text      .      1 assistant  header
 * 12   ": "             text      .      1
 * 13   "A red circle."  text      L      1            answer text
 * 14   &lt;eot&gt;            special   L      1            the answer's end-of-turn
 * </pre>
 * The loss is on every token of every assistant message after its header (text, and its images' begin-image,
 * codes and end-image) and on the end-of-turn that closes it; never on BOS, headers, system or user tokens.
 *
 * <p>Tool calling: an example's tool schema, when it has one, follows BOS as a turn of its own
 * ({@code "Tools: "} + the schema's JSON + end-of-turn, no loss). A tool call is a model turn
 * ({@code "Tool call: "}, loss like an answer); a tool's result is input ({@code "Tool result: "}, no loss).
 *
 * <p>With {@link RenderOptions#rotateImageFirst()}, an image-caption pair (an Image Generation example made of a
 * text-only user turn and an image-only answer) is rendered image-first in about half of the cases: the image
 * moves to the user turn (padded) and the caption becomes the answer. Which pairs rotate depends only on the
 * example's messages and the seed, so every run and every tool sees the same choice.
 *
 * <p>Not thread-safe when the image tokenizer is not; use one renderer per thread.
 */
public final class ChatRenderer {

    private final TextTokenizer text;
    private final ImageTokenizer image;
    private final ImageSource images;
    private final RenderOptions options;
    private final VocabularyLayout layout;
    private final int codesPerImage;
    private final Map<Role, int[]> headers = new EnumMap<>(Role.class);
    /** Codes encoded ahead by {@link #renderAll}, by sha256 + "/" + fit; empty otherwise. */
    private final Map<String, int[]> preEncoded = new HashMap<>();

    /**
     * @param images where image pixels come from; may be null when only {@link #count(Example)} is used
     */
    public ChatRenderer(TextTokenizer text, ImageTokenizer image, ImageSource images, RenderOptions options) {
        this.text = text;
        this.image = image;
        this.images = images;
        this.options = options;
        this.layout = text.layout();
        this.codesPerImage = image.codesPerImage();
        if (layout.codebookSize() != image.codebookSize()) {
            throw new IllegalArgumentException("the text tokenizer reserves " + layout.codebookSize()
                    + " image-code ids but the image tokenizer has a codebook of " + image.codebookSize()
                    + "; train the text tokenizer with --codebook-size " + image.codebookSize());
        }
        for (Role r : Role.values()) {
            headers.put(r, text.encode(header(r)));
        }
    }

    /** The text of a role's header, e.g. {@code "Assistant: "}. */
    public static String header(Role role) {
        return switch (role) {
            case SYSTEM -> "System: ";
            case USER -> "User: ";
            case ASSISTANT -> "Assistant: ";
            case FUNCTION_CALL -> "Tool call: ";
            case OBSERVATION -> "Tool result: ";
        };
    }

    /** The header of the turn that shows the model the tools it may call (an example's tool schema). */
    public static final String TOOLS_HEADER = "Tools: ";

    public RenderOptions options() {
        return options;
    }

    public int codesPerImage() {
        return codesPerImage;
    }

    /**
     * The key token counts are stored under: the tokenizer's identity plus what else changes the counts (codes per
     * image; rotation and its seed, which move loss between caption and image).
     *
     * @param tokenizerId identifies the text tokenizer, e.g. a hash of its tokenizer.json
     */
    public String countKey(String tokenizerId) {
        return tokenizerId + "/n" + codesPerImage + (options.rotateImageFirst() ? "/rot" + options.seed() : "");
    }

    /** True when this renderer puts the example's image first. */
    public boolean rotates(Example e) {
        return options.rotateImageFirst() && Rotation.isPair(e) && Rotation.chosen(e, options.seed());
    }

    /**
     * The example as a training sequence, with its images read and encoded.
     *
     * @throws IOException when an image cannot be read; the message names the example and the image
     * @throws IllegalArgumentException when the image tokenizer refuses an image, saying which and why
     */
    public RenderedExample render(Example e) throws IOException {
        if (images == null && e.hasImage()) {
            throw new IllegalStateException("this renderer has no image source; give one to render images");
        }
        return build(e, true);
    }

    /**
     * Renders many examples, encoding their distinct images in batches first: one batched encoder pass per
     * {@code batchSize} images instead of one per image (several times faster for a snapshot). Errors are those
     * of {@link #render(Example)}, for the first example that fails.
     *
     * @param progress receives the number of images encoded so far
     */
    public List<RenderedExample> renderAll(List<Example> examples, int batchSize, IntConsumer progress)
            throws IOException {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        Map<ImageFit, LinkedHashSet<String>> wanted = new EnumMap<>(ImageFit.class);
        for (Example e : examples) {
            if (e.hasImage()) {
                for (Message m : rotates(e) ? Rotation.rotate(e.messages()) : e.messages()) {
                    for (Part p : m.parts()) {
                        if (p instanceof Part.Image img) {
                            wanted.computeIfAbsent(fit(m.role()), f -> new LinkedHashSet<>()).add(img.sha256());
                        }
                    }
                }
            }
        }
        int done = 0;
        for (Map.Entry<ImageFit, LinkedHashSet<String>> w : wanted.entrySet()) {
            List<String> shas = new ArrayList<>(w.getValue());
            for (int from = 0; from < shas.size(); from += batchSize) {
                List<String> keys = new ArrayList<>();
                List<BufferedImage> pictures = new ArrayList<>();
                for (String sha : shas.subList(from, Math.min(shas.size(), from + batchSize))) {
                    try {
                        pictures.add(images.read(sha));
                        keys.add(sha);
                    } catch (IOException | RuntimeException unreadable) {
                        // Left to render(), which reports it with the example that holds it.
                    }
                }
                int[][] codes;
                try {
                    codes = image.encodeBatch(pictures, w.getKey());
                } catch (IllegalArgumentException refused) {
                    continue; // one image in the batch is refused: render() encodes them one by one and says which
                }
                for (int i = 0; i < keys.size(); i++) {
                    preEncoded.put(keys.get(i) + "/" + w.getKey(), codes[i]);
                }
                done += keys.size();
                progress.accept(done);
            }
        }
        try {
            List<RenderedExample> out = new ArrayList<>(examples.size());
            for (Example e : examples) {
                out.add(render(e));
            }
            return out;
        } finally {
            preEncoded.clear();
        }
    }

    /** The example's token counts, without reading or encoding its images (every image is N codes anyway). */
    public TokenCount count(Example e) {
        try {
            return build(e, false).count();
        } catch (IOException ex) {
            throw new IllegalStateException("unreachable: no image is read when counting", ex);
        }
    }

    private RenderedExample build(Example e, boolean encodeImages) throws IOException {
        boolean rotated = rotates(e);
        List<Message> messages = rotated ? Rotation.rotate(e.messages()) : e.messages();
        Sequence seq = new Sequence(64 + e.textLength() / 2 + e.imageCount() * (codesPerImage + 2));
        List<RenderedExample.Span> spans = new ArrayList<>(messages.size());
        List<RenderedExample.ImageBlock> blocks = new ArrayList<>();
        seq.add(layout.bos(), Modality.SPECIAL, false);
        if (e.tools() != null) {
            seq.addAll(text.encode(TOOLS_HEADER + e.tools()), Modality.TEXT, false);
            seq.add(layout.endOfTurn(), Modality.SPECIAL, false);
        }
        StringBuilder run = new StringBuilder();
        for (int mi = 0; mi < messages.size(); mi++) {
            Message m = messages.get(mi);
            boolean answer = m.role().isModelTurn();
            int start = seq.size;
            seq.addAll(headers.get(m.role()), Modality.TEXT, false);
            int contentStart = seq.size;
            run.setLength(0);
            boolean textPending = false;
            for (Part p : m.parts()) {
                if (p instanceof Part.Text t) {
                    if (textPending) {
                        run.append('\n');
                    }
                    run.append(t.text());
                    textPending = true;
                } else if (p instanceof Part.Image img) {
                    if (textPending) {
                        seq.addAll(text.encode(run.toString()), Modality.TEXT, answer);
                        run.setLength(0);
                        textPending = false;
                    }
                    ImageFit fit = fit(m.role());
                    int[] codes = encodeImages ? encode(e, mi, img.sha256(), fit) : new int[codesPerImage];
                    int blockStart = seq.size;
                    seq.add(layout.beginImage(), Modality.SPECIAL, answer);
                    for (int c : codes) {
                        seq.add(layout.imageToken(c), Modality.IMAGE, answer);
                    }
                    seq.add(layout.endImage(), Modality.SPECIAL, answer);
                    blocks.add(new RenderedExample.ImageBlock(mi, img.sha256(), fit, blockStart, seq.size));
                } else if (p instanceof Part.RemoteImage remote) {
                    throw new IllegalArgumentException("message " + (mi + 1) + " of an example from "
                            + e.source().file() + " line " + e.source().line() + " has the image " + remote.url()
                            + ", which is not available offline; import it again with --fetch-images");
                }
            }
            if (textPending) {
                seq.addAll(text.encode(run.toString()), Modality.TEXT, answer);
            }
            seq.add(layout.endOfTurn(), Modality.SPECIAL, answer);
            spans.add(new RenderedExample.Span(mi, m.role(), start, contentStart, seq.size));
        }
        return new RenderedExample(e.category(), rotated, Arrays.copyOf(seq.tokens, seq.size),
                Arrays.copyOf(seq.loss, seq.size), Arrays.copyOf(seq.modality, seq.size), List.copyOf(spans),
                List.copyOf(blocks));
    }

    private int[] encode(Example e, int message, String sha, ImageFit fit) throws IOException {
        int[] ready = preEncoded.get(sha + "/" + fit);
        if (ready != null) {
            return ready;
        }
        String where = "example " + describe(e) + ", message " + (message + 1) + ", image " + sha;
        BufferedImage img;
        try {
            img = images.read(sha);
        } catch (IOException ex) {
            throw new IOException(where + ": " + ex.getMessage(), ex);
        }
        int[] codes;
        try {
            codes = image.encode(img, fit);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(where + ": " + ex.getMessage(), ex);
        }
        if (codes.length != codesPerImage) {
            throw new IllegalStateException(where + ": the image tokenizer returned " + codes.length
                    + " codes instead of " + codesPerImage + "; an image must be exactly N codes");
        }
        return codes;
    }

    /** Answer images are centre-cropped; prompt (system and user) images are padded. */
    private static ImageFit fit(Role role) {
        return role == Role.ASSISTANT ? ImageFit.CENTER_CROP : ImageFit.PAD;
    }

    private static String describe(Example e) {
        return (e.id() > 0 ? "#" + e.id() + " " : "") + "(" + e.source() + ")";
    }

    /** Growable parallel arrays of one sequence. */
    private static final class Sequence {
        int[] tokens;
        boolean[] loss;
        byte[] modality;
        int size;

        Sequence(int capacity) {
            tokens = new int[capacity];
            loss = new boolean[capacity];
            modality = new byte[capacity];
        }

        void add(int token, Modality m, boolean onLoss) {
            if (size == tokens.length) {
                int n = Math.max(16, size * 2);
                tokens = Arrays.copyOf(tokens, n);
                loss = Arrays.copyOf(loss, n);
                modality = Arrays.copyOf(modality, n);
            }
            tokens[size] = token;
            loss[size] = onLoss;
            modality[size] = m.code();
            size++;
        }

        void addAll(int[] ids, Modality m, boolean onLoss) {
            for (int id : ids) {
                add(id, m, onLoss);
            }
        }
    }
}
