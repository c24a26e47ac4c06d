package dev.chameleon.workbench.trainer.render;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.trainer.tokens.ImageFit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training rows that teach the two priors classifier-free guidance subtracts (docs/chameleon.md#inference): for a
 * share of the image-generation examples (a text prompt answered by one picture), the same picture also as
 *
 * <pre>
 * unconditioned   BOS begin-image c1 .. cN end-image                         (loss on the image block)
 * no prompt text  BOS "User: " eot "Assistant: " begin-image c1 .. cN end-image eot   (as rendered)
 * </pre>
 *
 * Without them the guidance rows ask the model about sequences it never saw, and guidance makes pictures worse
 * rather than closer to the prompt. Which examples are chosen depends only on the seed and the example's position.
 */
public final class GuidanceRows {

    /**
     * Share of image-generation examples that also give their two guidance rows. Half, because drawing sets can be
     * small (the demo has 240 drawings; a tenth gave 25 examples' rows). Measured on the default demo run: guidance at
     * 3.0/1.2 still hurt that model's pictures (61/250 right against 250/250 without), as it did with a tenth
     * (96/250 against 250/250); over-guidance pushes shape codes into the background, so its checker decodes
     * without guidance.
     */
    public static final double SHARE = 0.5;

    private GuidanceRows() {
    }

    /**
     * The extra rows for {@code examples}, rendered as {@code rendered} (same order) by {@code renderer}.
     */
    public static List<RenderedExample> rows(List<Example> examples, List<RenderedExample> rendered,
            ChatRenderer renderer, long seed) throws IOException {
        List<RenderedExample> out = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            RenderedExample r = rendered.get(i);
            if (!isTextToPicture(e, r) || new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i).nextDouble() >= SHARE) {
                continue;
            }
            out.add(unconditioned(r));
            List<Message> noText = List.of(Message.text(Role.USER, ""), e.messages().get(e.messages().size() - 1));
            out.add(renderer.render(new Example(e.id(), noText, e.category(), e.source(), e.tags(), e.status(),
                    e.harmCategory(), e.metadata())));
        }
        return out;
    }

    /** An image-generation example whose answer is exactly one picture and whose prompt is text only. */
    static boolean isTextToPicture(Example e, RenderedExample r) {
        if (e.category() != Category.IMAGE_GENERATION || r.rotated() || r.images().size() != 1
                || e.messages().size() != 2) {
            return false;
        }
        Message user = e.messages().get(0);
        Message answer = e.messages().get(1);
        return user.role() == Role.USER && !user.hasImage() && answer.role() == Role.ASSISTANT
                && answer.parts().size() == 1 && answer.parts().get(0) instanceof Part.Image;
    }

    /** BOS followed by the example's image block, with the loss on the block. */
    static RenderedExample unconditioned(RenderedExample r) {
        RenderedExample.ImageBlock b = r.images().get(0);
        int n = 1 + b.end() - b.start();
        int[] tokens = new int[n];
        boolean[] loss = new boolean[n];
        byte[] modality = new byte[n];
        tokens[0] = r.tokens()[0];
        modality[0] = Modality.SPECIAL.code();
        System.arraycopy(r.tokens(), b.start(), tokens, 1, n - 1);
        System.arraycopy(r.modality(), b.start(), modality, 1, n - 1);
        Arrays.fill(loss, 1, n, true);
        return new RenderedExample(r.category(), false, tokens, loss, modality,
                List.of(new RenderedExample.Span(0, Role.ASSISTANT, 0, 1, n)),
                List.of(new RenderedExample.ImageBlock(0, b.sha256(), ImageFit.CENTER_CROP, 1, n)));
    }
}
