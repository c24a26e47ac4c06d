package dev.chameleon.workbench.trainer.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.curation.model.Source;
import dev.chameleon.workbench.trainer.render.ChatRenderer;
import dev.chameleon.workbench.trainer.render.Fakes;
import dev.chameleon.workbench.trainer.render.RenderOptions;
import dev.chameleon.workbench.trainer.render.RenderedExample;
import dev.chameleon.workbench.trainer.tokens.ImageFit;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Engine-bound (PyTorch CPU), fake tokenizers, a tiny random model: generation end to end. */
@Tag("engine")
class GeneratorTest {

    private static final int N = 40;
    private static final VocabularyLayout L = GenFixtures.text().layout();
    private static Generator g;

    @BeforeAll
    static void open() {
        g = GenFixtures.untrained(N, 256, 7);
    }

    @AfterAll
    static void close() {
        g.close();
    }

    private static GenerationRequest request(String prompt, Mode mode, long seed, int max) {
        return new GenerationRequest(prompt, List.of(), mode, Sampling.defaults().withSeed(seed), Guidance.defaults(), max);
    }

    private static void checkBlocks(List<Integer> t) {
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i) == L.beginImage()) {
                for (int k = 1; k <= N; k++) {
                    assertThat(L.isImageCode(t.get(i + k))).isTrue();
                }
                assertThat(t.get(i + N + 1)).isEqualTo(L.endImage());
                i += N + 1;
            } else {
                assertThat(L.isImageCode(t.get(i)) || t.get(i) == L.endImage()).isFalse();
            }
        }
    }

    @Test
    void theImageModeStreamsPartialsAndOneWholeGuidedImage() {
        List<GenerationEvent> events = new ArrayList<>();
        GenerationResult r = g.generate(request("draw a red circle", Mode.IMAGE, 1, 100), events::add, () -> false);
        List<Integer> t = r.tokens();
        assertThat(t).hasSize(N + 3);
        assertThat(t.get(0)).isEqualTo(L.beginImage());
        checkBlocks(t);
        assertThat(t.get(N + 2)).isEqualTo(L.endOfTurn());
        assertThat(r.stopReason()).isEqualTo("end_of_turn");
        assertThat(r.images()).hasSize(1);
        assertThat(r.text()).isEmpty();
        assertThat(events).filteredOn(e -> e instanceof GenerationEvent.PartialImage).hasSize(1)
                .first().extracting(e -> ((GenerationEvent.PartialImage) e).codes()).isEqualTo(32);
        assertThat(events).filteredOn(e -> e instanceof GenerationEvent.ImageDone).hasSize(1);
        assertThat(events.get(events.size() - 1)).isInstanceOf(GenerationEvent.End.class);
        assertThat(events).noneMatch(e -> e instanceof GenerationEvent.Text);
    }

    @Test
    void guidanceChangesTheImageCodesButNotTheirShape() {
        GenerationRequest guided = new GenerationRequest("x", List.of(), Mode.IMAGE, Sampling.greedy(),
                new Guidance(5.0, 0.5), 60);
        GenerationRequest plain = new GenerationRequest("x", List.of(), Mode.IMAGE, Sampling.greedy(), Guidance.off(), 60);
        List<Integer> a = g.generate(guided, null, null).tokens();
        List<Integer> b = g.generate(plain, null, null).tokens();
        checkBlocks(a);
        checkBlocks(b);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void guidanceWeightsOfOneDecodeExactlyAsNoGuidance() {
        GenerationRequest ones = new GenerationRequest("x", List.of(), Mode.IMAGE, Sampling.greedy(),
                new Guidance(1.0, 1.0), 60);
        GenerationRequest off = new GenerationRequest("x", List.of(), Mode.IMAGE, Sampling.greedy(), Guidance.off(), 60);
        assertThat(g.generate(ones, null, null).tokens()).isEqualTo(g.generate(off, null, null).tokens());
    }

    /**
     * Each guided image code is the argmax over image codes of {@code u + image*(i-u) + text*(f-i)}, with f, i and u
     * the logits of the full prompt, the image-only prompt and [BOS], each decoded here as its own unpadded row.
     */
    @Test
    void guidedCodesFollowTheGuidanceFormulaOverThreeIndependentRows() {
        Guidance guidance = new Guidance(4.0, 1.5);
        List<Integer> got = g.generate(new GenerationRequest("a blue square", List.of(), Mode.IMAGE,
                Sampling.greedy(), guidance, 60), null, null).tokens();
        assertThat(got.get(0)).isEqualTo(L.beginImage());
        int[] full = g.prompts().render("a blue square", List.of(), true);
        int[] imageOnly = g.prompts().render("", List.of(), false);
        int[] uncond = {L.bos()};
        int v = L.size();
        try (ai.djl.ndarray.NDManager rm = ai.djl.ndarray.NDManager.newBaseManager()) {
            Row f = new Row(rm, full);
            Row i = new Row(rm, imageOnly);
            Row u = new Row(rm, uncond);
            int checked = 0;
            for (int k = 0; k <= N; k++) {
                int token = got.get(k);
                float[] lf = f.feed(token);
                float[] li = i.feed(token);
                float[] lu = u.feed(token);
                if (k == N) {
                    break;
                }
                float[] want = new float[v];
                guidance.combine(lf, li, lu, want);
                int chosen = got.get(k + 1);
                float best = Float.NEGATIVE_INFINITY;
                for (int id = L.imageCodeStart(); id < L.imageCodeStart() + L.codebookSize(); id++) {
                    best = Math.max(best, want[id]);
                }
                assertThat(L.isImageCode(chosen)).isTrue();
                assertThat(want[chosen]).as("code %d", k + 1).isCloseTo(best, org.assertj.core.api.Assertions.within(1e-3f));
                checked++;
            }
            assertThat(checked).isEqualTo(N);
        }
    }

    /** One row decoded alone through the generator's cached forward pass. */
    private static final class Row {
        private final ai.djl.ndarray.NDManager rm;
        private final dev.chameleon.workbench.trainer.model.KvCache cache;
        private final int[] prompt;
        private int length;

        Row(ai.djl.ndarray.NDManager rm, int[] prompt) {
            this.rm = rm;
            this.prompt = prompt;
            this.cache = g.newCache(rm, 1, prompt.length + N + 4);
        }

        /** Feeds the prompt (first call) and then {@code token}; returns the logits after it. */
        float[] feed(int token) {
            long[] ids;
            if (length == 0) {
                ids = new long[prompt.length + 1];
                for (int j = 0; j < prompt.length; j++) {
                    ids[j] = prompt[j];
                }
                ids[prompt.length] = token;
            } else {
                ids = new long[] {token};
            }
            long[] pos = new long[ids.length];
            for (int j = 0; j < ids.length; j++) {
                pos[j] = length + j;
            }
            length += ids.length;
            return g.forward(rm, ids, pos, 1, ids.length, null, cache);
        }
    }

    @Test
    void textModeNeverEmitsImageTokensAndStreamsItsText() {
        for (long seed = 0; seed < 3; seed++) {
            StringBuilder streamed = new StringBuilder();
            GenerationResult r = g.generate(request("hello", Mode.TEXT, seed, 60), e -> {
                if (e instanceof GenerationEvent.Text t) {
                    streamed.append(t.piece());
                }
            }, null);
            for (int tok : r.tokens()) {
                assertThat(tok == L.beginImage() || tok == L.endImage() || L.isImageCode(tok)).isFalse();
            }
            assertThat(streamed.toString()).isEqualTo(r.text());
            assertThat(r.stopReason()).isIn("max_tokens", "eos", "end_of_turn");
        }
    }

    @Test
    void interleavedAnswersKeepWholeImageBlocksWithinTheBudget() {
        for (long seed = 0; seed < 4; seed++) {
            GenerationResult r = g.generate(new GenerationRequest("mix", List.of(), Mode.INTERLEAVED,
                    new Sampling(1.5, 1.0, 0, 1.0, seed), Guidance.off(), 50), null, null);
            assertThat(r.tokens().size()).isLessThanOrEqualTo(50);
            checkBlocks(r.tokens());
            int begin = r.tokens().indexOf(L.beginImage());
            assertThat(begin < 0 || 50 - begin >= N + 2).isTrue();
        }
    }

    @Test
    void theSameSeedGivesTheSameAnswerAndAnotherSeedAnother() {
        List<Integer> a = g.generate(request("seeded", Mode.TEXT, 42, 40), null, null).tokens();
        List<Integer> b = g.generate(request("seeded", Mode.TEXT, 42, 40), null, null).tokens();
        List<Integer> c = g.generate(request("seeded", Mode.TEXT, 43, 40), null, null).tokens();
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void cancellationStopsWithinOneStep() {
        AtomicInteger steps = new AtomicInteger();
        AtomicInteger stopAfter = new AtomicInteger(5);
        GenerationResult r = g.generate(request("stop me", Mode.IMAGE, 3, 200),
                e -> { }, () -> steps.incrementAndGet() > stopAfter.get());
        assertThat(r.stopReason()).isEqualTo("cancelled");
        assertThat(r.tokens()).hasSize(5);
    }

    @Test
    void aBatchOfUnevenPromptsGivesWhatEachPromptGivesAlone() {
        List<GenerationRequest> rs = List.of(
                new GenerationRequest("a", List.of(), Mode.TEXT, Sampling.greedy(), Guidance.off(), 12),
                new GenerationRequest("a much longer prompt than the first", List.of(), Mode.TEXT, Sampling.greedy(),
                        Guidance.off(), 12),
                new GenerationRequest("an image", List.of(), Mode.IMAGE, Sampling.greedy(), Guidance.defaults(), 50));
        List<GenerationEvent> events = new ArrayList<>();
        List<GenerationResult> batch = g.generateBatch(rs, events::add, null);
        for (int i = 0; i < rs.size(); i++) {
            assertThat(batch.get(i).tokens()).as("row %d", i).isEqualTo(g.generate(rs.get(i), null, null).tokens());
        }
        assertThat(events).filteredOn(e -> e instanceof GenerationEvent.End).extracting(GenerationEvent::row)
                .containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void thePromptIsRenderedExactlyAsTheTrainingTemplateRendersAUserTurn() throws Exception {
        String key = Fakes.key(3);
        BufferedImage picture = Fakes.colours().read(key);
        Example e = Example.of(List.of(Message.of(Role.USER, Part.image(key), Part.text("What shape?")),
                Message.text(Role.ASSISTANT, "A circle.")), Category.VISUAL_CHAT, new Source("t.jsonl", 1));
        RenderedExample rendered = new ChatRenderer(GenFixtures.text(), GenFixtures.image(N), Fakes.colours(),
                RenderOptions.PLAIN).render(e);
        int answerStart = rendered.spans().get(1).contentStart();
        int[] want = Arrays.copyOf(rendered.tokens(), answerStart);
        int[] codes = GenFixtures.image(N).encode(picture, ImageFit.PAD);
        assertThat(g.prompts().render("What shape?", List.of(codes), true)).containsExactly(want);
        GenerationResult r = g.generate(new GenerationRequest("What shape?", List.of(picture), Mode.TEXT,
                Sampling.defaults(), Guidance.defaults(), 5), null, null);
        assertThat(r.promptTokens()).isEqualTo(want.length);
    }

    @Test
    void badRequestsFailWithAnActionableMessage() {
        String huge = "x".repeat(300);
        assertThatThrownBy(() -> g.generate(request(huge, Mode.TEXT, 0, 10), null, null))
                .isInstanceOf(GenerationException.class).hasMessageContaining("context is 256")
                .hasMessageContaining("shorten the prompt");
        List<BufferedImage> missing = new ArrayList<>();
        missing.add(null);
        assertThatThrownBy(() -> g.generate(new GenerationRequest("p", missing, Mode.TEXT, null, null, 10), null, null))
                .isInstanceOf(GenerationException.class).hasMessageContaining("prompt image 1");
        BufferedImage dot = Fakes.solid(Color.RED, 1);
        assertThatThrownBy(() -> g.generate(new GenerationRequest("p", List.of(dot), Mode.TEXT, null, null, 10),
                null, null)).isInstanceOf(GenerationException.class).hasMessageContaining("cannot be encoded")
                .hasMessageContaining("too small");
        assertThatThrownBy(() -> g.generate(request("p", Mode.IMAGE, 0, N), null, null))
                .isInstanceOf(GenerationException.class).hasMessageContaining("an image needs " + (N + 2));
        assertThatThrownBy(() -> request("p", Mode.TEXT, 0, 0)).isInstanceOf(GenerationException.class)
                .hasMessageContaining("max_new_tokens");
    }

    @Test
    void nativeMemoryStaysFlatOverManyGenerations() {
        g.generate(request("warm", Mode.IMAGE, 0, 50), null, null);
        int before = g.nativeArrays();
        for (int i = 0; i < 6; i++) {
            g.generate(request("again " + i, i % 2 == 0 ? Mode.IMAGE : Mode.INTERLEAVED, i, 50), null, null);
        }
        assertThat(g.nativeArrays()).isEqualTo(before);
    }
}
