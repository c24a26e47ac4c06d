package dev.chameleon.workbench.trainer.generate;

import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.trainer.render.ChatRenderer;
import dev.chameleon.workbench.trainer.tokens.ImageFit;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link GenerationRequest} as the training template's user turn and the start of the assistant turn,
 * and checks it against the model's context; everything a user can get wrong fails here, before any decoding.
 *
 * <pre>
 *   prompt      [BOS User: &lt;images&gt; text eot Assistant: ]
 *   image-only  [BOS User: &lt;images&gt; eot Assistant: ]        (the conditional row of image guidance)
 *   &lt;image&gt;     begin-image c1 .. cN end-image
 * </pre>
 */
final class Prompts {

    private final TextTokenizer text;
    private final ImageTokenizer image;
    private final VocabularyLayout layout;
    private final int n;
    private final int context;
    private final int[] userHeader;
    private final int[] assistantHeader;

    Prompts(TextTokenizer text, ImageTokenizer image, int context) {
        this.text = text;
        this.image = image;
        this.layout = text.layout();
        this.n = image.codesPerImage();
        this.context = context;
        this.userHeader = text.encode(ChatRenderer.header(Role.USER));
        this.assistantHeader = text.encode(ChatRenderer.header(Role.ASSISTANT));
    }

    /** Renders and checks request {@code index}; {@code where} opens every message ("request 2: " in a batch). */
    DecodeRow prepare(int index, GenerationRequest q, String where) {
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
        int[] prompt = render(q.prompt(), imageCodes, true);
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
        int[] imageOnly = render("", imageCodes, false);
        return new DecodeRow(index, q, prompt, imageOnly, new ModalityState(layout, q.mode(), n, budget),
                new Sampler(q.sampling(), q.sampling().seed() * 0x9E3779B97F4A7C15L + index));
    }

    /**
     * The training template's user turn (BOS, "User: ", image blocks, the text, end-of-turn) followed by
     * "Assistant: ", as {@link ChatRenderer} renders a user message whose parts are the images then the text.
     */
    int[] render(String prompt, List<int[]> imageCodes, boolean withText) {
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
}
