package dev.chameleon.workbench.trainer.render;

import dev.chameleon.workbench.trainer.tokens.text.ByteTokenizer;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Token counts per example and per category. */
@Tag("unit")
class RenderCountsTest {

    static final int N = 4;
    final ByteTokenizer text = ByteTokenizer.smallest(16, 4);
    final Fakes.CodeTokenizer image = new Fakes.CodeTokenizer(N, 16);

    @Test
    void countsFollowFromTheTemplate() throws IOException {
        ChatRenderer r = new ChatRenderer(text, image, Fakes.colours(), RenderOptions.PLAIN);
        Example e = Examples.interleaved("draw two", Fakes.key(5), Fakes.key(6));
        TokenCount c = r.render(e).count();

        int headers = 0;
        int bytes = 0;
        int answers = 0;
        for (Message m : e.messages()) {
            headers += ChatRenderer.header(m.role()).length();
            int textBytes = 0;
            for (Part p : m.parts()) {
                if (p instanceof Part.Text t) {
                    textBytes += t.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                }
            }
            // "then" and "second:" are adjacent text parts: one newline joins them.
            textBytes += m.parts().size() == 5 ? 1 : 0;
            bytes += textBytes;
            if (m.role() == Role.ASSISTANT) {
                answers += textBytes + (int) m.imageCount() * (N + 2) + 1;
            }
        }
        int messages = e.messages().size();
        assertThat(c).isEqualTo(new TokenCount(1 + headers + bytes + 2 * (N + 2) + messages, answers, 2 * N, 2));
    }

    @Test
    void countingMatchesRenderingAndReadsNoImage() throws IOException {
        ChatRenderer rendering = new ChatRenderer(text, image, Fakes.colours(), RenderOptions.rotating(3));
        ChatRenderer counting = new ChatRenderer(text, image, sha -> {
            throw new AssertionError("count must not read images");
        }, RenderOptions.rotating(3));
        for (Example e : Examples.random(11, 300)) {
            assertThat(counting.count(e)).isEqualTo(rendering.render(e).count());
        }
        for (Example e : RenderRotationTest.pairs(100)) {
            assertThat(counting.count(e)).isEqualTo(rendering.render(e).count());
        }
    }

    @Test
    void tallyAddsUpPerCategoryAndOverall() {
        ChatRenderer r = new ChatRenderer(text, image, null, RenderOptions.PLAIN);
        List<Example> all = Examples.random(21, 500);
        TokenTally tally = new TokenTally();
        Map<Category, long[]> expected = new EnumMap<>(Category.class);
        long total = 0;
        for (Example e : all) {
            TokenCount c = r.count(e);
            tally.add(e.category(), c);
            long[] x = expected.computeIfAbsent(e.category(), k -> new long[5]);
            x[0]++;
            x[1] += c.total();
            x[2] += c.loss();
            x[3] += c.imageTokens();
            x[4] += c.images();
            total += c.total();
        }
        assertThat(tally.byCategory().keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((cat, x) -> assertThat(tally.byCategory().get(cat))
                .isEqualTo(new CategoryTokens(x[0], x[1], x[2], x[3], x[4])));
        assertThat(tally.total().examples()).isEqualTo(all.size());
        assertThat(tally.total().tokens()).isEqualTo(total);
        assertThat(tally.total().imageTokens()).isEqualTo(N * tally.total().images());
    }

    @Test
    void theCountKeyNamesWhatChangesTheCounts() {
        assertThat(new ChatRenderer(text, image, null, RenderOptions.PLAIN).countKey("bpe-ab12")).isEqualTo("bpe-ab12/n4");
        assertThat(new ChatRenderer(text, image, null, RenderOptions.rotating(7)).countKey("bpe-ab12"))
                .isEqualTo("bpe-ab12/n4/rot7");
    }
}
