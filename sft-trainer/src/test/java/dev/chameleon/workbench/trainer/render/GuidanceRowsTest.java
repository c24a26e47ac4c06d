package dev.chameleon.workbench.trainer.render;

import dev.chameleon.workbench.trainer.tokens.text.ByteTokenizer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chameleon.workbench.curation.model.Example;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The guidance rows: which examples give them, and what the two rows hold. */
@Tag("unit")
class GuidanceRowsTest {

    final ByteTokenizer text = ByteTokenizer.smallest(16, 4);
    final Fakes.CodeTokenizer image = new Fakes.CodeTokenizer(4, 16);
    final ChatRenderer renderer = new ChatRenderer(text, image, Fakes.colours(), RenderOptions.PLAIN);

    @Test
    void aShareOfTextToPictureExamplesGiveAnUnconditionedAndAPromptlessRow() throws IOException {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            examples.add(Examples.captionPair("draw thing " + i, Fakes.key(i)));
            examples.add(Examples.interleaved("q" + i, Fakes.key(i), Fakes.key(i + 1)));
        }
        List<RenderedExample> rendered = renderer.renderAll(examples, 16, n -> { });
        List<RenderedExample> rows = GuidanceRows.rows(examples, rendered, renderer, 7);
        assertThat(rows.size() % 2).isZero();
        // About SHARE of the 400 caption pairs, none of the interleaved.
        assertThat(rows.size() / 2).isBetween((int) (400 * GuidanceRows.SHARE * 0.7), (int) (400 * GuidanceRows.SHARE * 1.3));
        assertThat(GuidanceRows.rows(examples, rendered, renderer, 7)).usingRecursiveComparison().isEqualTo(rows);

        RenderedExample uncond = rows.get(0);
        RenderedExample.ImageBlock block = uncond.images().get(0);
        assertThat(uncond.tokens()[0]).isEqualTo(text.layout().bos());
        assertThat(uncond.tokens()[1]).isEqualTo(text.layout().beginImage());
        assertThat(uncond.tokens()[uncond.length() - 1]).isEqualTo(text.layout().endImage());
        assertThat(uncond.length()).isEqualTo(2 + image.codesPerImage() + 1);
        assertThat(block.codes()).isEqualTo(image.codesPerImage());
        assertThat(uncond.loss()[0]).isFalse();
        for (int i = 1; i < uncond.length(); i++) {
            assertThat(uncond.loss()[i]).isTrue();
        }

        RenderedExample promptless = rows.get(1);
        int[] codes = Arrays.copyOfRange(uncond.tokens(), 2, 2 + image.codesPerImage());
        RenderedExample.ImageBlock b = promptless.images().get(0);
        assertThat(Arrays.copyOfRange(promptless.tokens(), b.codesStart(), b.codesStart() + b.codes())).isEqualTo(codes);
        // BOS, "User: ", eot, "Assistant: ": no prompt text between the header and the end-of-turn.
        RenderedExample.Span user = promptless.spans().get(0);
        assertThat(user.end() - 1).isEqualTo(user.contentStart());
    }
}
