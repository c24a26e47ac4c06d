package dev.chameleon.workbench.trainer.render;

import dev.chameleon.workbench.trainer.tokens.text.ByteTokenizer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chameleon.workbench.curation.model.Example;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Batched rendering gives exactly the sequences of rendering one by one, and the same errors. */
@Tag("unit")
class RenderAllTest {

    final ByteTokenizer text = ByteTokenizer.smallest(16, 4);
    final Fakes.CodeTokenizer image = new Fakes.CodeTokenizer(4, 16);

    @Test
    void batchedEqualsOneByOne() throws IOException {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            examples.add(Examples.captionPair("a photo of thing " + i, Fakes.key(i % 7)));
            examples.add(Examples.interleaved("q" + i, Fakes.key(i % 5), Fakes.key(i % 3 + 10)));
        }
        ChatRenderer one = new ChatRenderer(text, image, Fakes.colours(), RenderOptions.rotating(3));
        ChatRenderer batched = new ChatRenderer(text, image, Fakes.colours(), RenderOptions.rotating(3));
        List<Integer> progress = new ArrayList<>();
        List<RenderedExample> all = batched.renderAll(examples, 4, progress::add);
        assertThat(all).hasSize(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            RenderedExample a = one.render(examples.get(i));
            assertThat(all.get(i).tokens()).isEqualTo(a.tokens());
            assertThat(all.get(i).loss()).isEqualTo(a.loss());
        }
        assertThat(progress).isNotEmpty().isSorted();
    }

    @Test
    void aMissingImageIsReportedWithItsExample() {
        ImageSource source = sha -> {
            if (sha.startsWith("ff")) {
                throw new IOException("no such image");
            }
            return Fakes.solid(Color.RED, 8);
        };
        ChatRenderer r = new ChatRenderer(text, image, source, RenderOptions.PLAIN);
        List<Example> examples = List.of(Examples.captionPair("fine", Fakes.key(1)),
                Examples.captionPair("broken", "f".repeat(64)));
        assertThatThrownBy(() -> r.renderAll(examples, 8, n -> { }))
                .hasMessageContaining("f".repeat(64)).hasMessageContaining("no such image");
    }
}
