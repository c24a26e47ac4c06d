package dev.chameleon.workbench.trainer.render;

import dev.chameleon.workbench.trainer.tokens.text.ByteTokenizer;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tool calling in the chat template: the tool schema turn, the call and result headers, and the loss on the
 * model's calls and final answer only; and an image known only by address refusing to render.
 */
@Tag("unit")
class RenderToolCallTest {

    static final int N = 4;
    static final String SCHEMA = "[{\"name\":\"weather\",\"parameters\":{\"city\":\"string\"}}]";
    final ByteTokenizer text = ByteTokenizer.smallest(16, 4);
    final Fakes.CodeTokenizer image = new Fakes.CodeTokenizer(N, 16);
    final ChatRenderer renderer = new ChatRenderer(text, image, Fakes.colours(), RenderOptions.PLAIN);
    final VocabularyLayout layout = text.layout();

    /** A user question, the model's call, the tool's result and the model's answer, with the tool schema. */
    static Example weather() {
        return Examples.of(Category.TEXT,
                        Message.text(Role.USER, "Weather in Paris?"),
                        Message.text(Role.FUNCTION_CALL, "{\"name\":\"weather\",\"arguments\":{\"city\":\"Paris\"}}"),
                        Message.text(Role.OBSERVATION, "{\"temp_c\":21}"),
                        Message.text(Role.ASSISTANT, "It is 21 °C in Paris."))
                .withTools(SCHEMA);
    }

    @Test
    void toolCallingRendersAsTheTemplateWithLossOnCallsAndAnswerOnly() throws IOException {
        Example e = weather();
        RenderedExample r = renderer.render(e);

        List<Integer> expected = new ArrayList<>();
        List<Boolean> loss = new ArrayList<>();
        add(expected, loss, new int[] {layout.bos()}, false);
        add(expected, loss, text.encode(ChatRenderer.TOOLS_HEADER + SCHEMA), false);
        add(expected, loss, new int[] {layout.endOfTurn()}, false);
        for (Message m : e.messages()) {
            boolean model = m.role() == Role.FUNCTION_CALL || m.role() == Role.ASSISTANT;
            add(expected, loss, text.encode(ChatRenderer.header(m.role())), false);
            add(expected, loss, text.encode(m.text()), model);
            add(expected, loss, new int[] {layout.endOfTurn()}, model);
        }

        assertThat(r.tokens()).containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
        for (int i = 0; i < r.length(); i++) {
            assertThat(r.loss()[i]).as("loss at %d", i).isEqualTo(loss.get(i));
        }
        assertThat(r.spans()).extracting(RenderedExample.Span::role)
                .containsExactly(Role.USER, Role.FUNCTION_CALL, Role.OBSERVATION, Role.ASSISTANT);
    }

    @Test
    void headersNameCallsAndResults() {
        assertThat(ChatRenderer.header(Role.FUNCTION_CALL)).isEqualTo("Tool call: ");
        assertThat(ChatRenderer.header(Role.OBSERVATION)).isEqualTo("Tool result: ");
        assertThat(ChatRenderer.TOOLS_HEADER).isEqualTo("Tools: ");
    }

    @Test
    void theToolsTurnAndResultsAddTokensButNoLoss() throws IOException {
        Example withTools = weather();
        RenderedExample full = renderer.render(withTools);
        RenderedExample bare = renderer.render(withTools.withTools(null));

        int toolsTurn = text.encode(ChatRenderer.TOOLS_HEADER + SCHEMA).length + 1;
        assertThat(full.length()).isEqualTo(bare.length() + toolsTurn);
        assertThat(lossCount(full)).isEqualTo(lossCount(bare));
        RenderedExample.Span result = full.spans().get(2);
        for (int i = result.start(); i < result.end(); i++) {
            assertThat(full.loss()[i]).as("observation token %d", i).isFalse();
        }
        RenderedExample.Span call = full.spans().get(1);
        for (int i = call.start(); i < call.end(); i++) {
            assertThat(full.loss()[i]).as("call token %d", i).isEqualTo(i >= call.contentStart());
        }
        assertThat(renderer.count(withTools).total()).isEqualTo(full.length());
    }

    @Test
    void anImageKnownOnlyByAddressRefusesToRenderWithTheFix() {
        Example e = Examples.of(Category.VISUAL_CHAT,
                Message.of(Role.USER, new Part.RemoteImage("https://example.com/cat.png"), Part.text("What is it?")),
                Message.text(Role.ASSISTANT, "A cat."));

        assertThatThrownBy(() -> renderer.render(e)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("https://example.com/cat.png")
                .hasMessageContaining("not available offline")
                .hasMessageContaining("test.jsonl")
                .hasMessageContaining("--fetch-images");
        assertThatThrownBy(() -> renderer.count(e)).hasMessageContaining("not available offline");
    }

    private static int lossCount(RenderedExample r) {
        int n = 0;
        for (boolean b : r.loss()) {
            n += b ? 1 : 0;
        }
        return n;
    }

    private static void add(List<Integer> tokens, List<Boolean> loss, int[] ids, boolean onLoss) {
        for (int id : ids) {
            tokens.add(id);
            loss.add(onLoss);
        }
    }
}
