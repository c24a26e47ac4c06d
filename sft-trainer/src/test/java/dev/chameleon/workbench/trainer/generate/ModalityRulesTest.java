package dev.chameleon.workbench.trainer.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Plain unit tests (no engine) of the decoding rules: thousands of answers decoded from random logits (begin-image
 * boosted so image blocks are frequent) through the modality mask and the sampler, checked token by token.
 */
@Tag("unit")
class ModalityRulesTest {

    private static final VocabularyLayout L = GenFixtures.text().layout();
    private static final int N = 6;

    /** Decodes one answer from random logits under the rules; returns its tokens. */
    private static List<Integer> simulate(Mode mode, int budget, long seed) {
        ModalityState state = new ModalityState(L, mode, N, budget);
        Sampler sampler = new Sampler(new Sampling(1.0, 0.95, 0, 1.2, seed), seed);
        Random r = new Random(seed);
        boolean[] seen = new boolean[L.size()];
        List<Integer> out = new ArrayList<>();
        while (state.remaining() > 0) {
            int token = state.forced();
            if (token < 0) {
                float[] logits = new float[L.size()];
                for (int i = 0; i < logits.length; i++) {
                    logits[i] = (float) r.nextGaussian();
                }
                logits[L.beginImage()] = 6f;   // the model "wants" an image at every text position
                logits[L.endImage()] = 6f;     // and to end one early, which the rules must refuse
                logits[L.eos()] = -2f;
                logits[L.endOfTurn()] = -2f;
                state.mask(logits);
                Sampler.penalize(logits, seen, 1.2);
                token = sampler.sample(logits);
            }
            out.add(token);
            if (token >= L.textStart()) {
                seen[token] = true;
            }
            if (state.accept(token)) {
                break;
            }
        }
        return out;
    }

    /** Checks image blocks: begin-image, exactly N codes, end-image; begin only with N+2 positions left. */
    private static int checkBlocks(List<Integer> t, int budget) {
        int blocks = 0;
        for (int i = 0; i < t.size(); i++) {
            int tok = t.get(i);
            if (tok == L.beginImage()) {
                assertThat(budget - i).as("room at begin-image %d of %s", i, t).isGreaterThanOrEqualTo(N + 2);
                for (int k = 1; k <= N; k++) {
                    assertThat(L.isImageCode(t.get(i + k))).as("code %d of block at %d in %s", k, i, t).isTrue();
                }
                assertThat(t.get(i + N + 1)).as("end-image of block at %d", i).isEqualTo(L.endImage());
                i += N + 1;
                blocks++;
            } else {
                assertThat(L.isImageCode(tok) || tok == L.endImage()).as("image token outside a block at %d", i)
                        .isFalse();
            }
        }
        return blocks;
    }

    @Test
    void interleavedImageBlocksAlwaysHaveExactlyNCodesAndBeginOnlyWithRoom() {
        int blocks = 0;
        for (long seed = 0; seed < 400; seed++) {
            int budget = 5 + (int) (seed % 40);
            List<Integer> t = simulate(Mode.INTERLEAVED, budget, seed);
            assertThat(t.size()).isLessThanOrEqualTo(budget);
            blocks += checkBlocks(t, budget);
        }
        assertThat(blocks).as("the simulation must exercise image blocks").isGreaterThan(100);
    }

    @Test
    void textModeNeverEmitsAnImageToken() {
        for (long seed = 0; seed < 200; seed++) {
            for (int tok : simulate(Mode.TEXT, 30, seed)) {
                assertThat(tok == L.beginImage() || tok == L.endImage() || L.isImageCode(tok)).isFalse();
                assertThat(tok >= L.textStart() || tok == L.eos() || tok == L.endOfTurn()).isTrue();
            }
        }
    }

    @Test
    void imageModeEmitsOneWholeImageBlockThenEndOfTurn() {
        for (long seed = 0; seed < 200; seed++) {
            List<Integer> t = simulate(Mode.IMAGE, N + 3 + (int) (seed % 5), seed);
            assertThat(t).hasSize(N + 3);
            assertThat(checkBlocks(t, N + 3 + (int) (seed % 5))).isEqualTo(1);
            assertThat(t.get(N + 2)).isEqualTo(L.endOfTurn());
        }
    }

    @Test
    void beginImageIsMaskedWhenFewerThanNPlus2PositionsRemain() {
        ModalityState s = new ModalityState(L, Mode.INTERLEAVED, N, N + 2);
        float[] logits = new float[L.size()];
        s.mask(logits);
        assertThat(logits[L.beginImage()]).isEqualTo(0f);
        s.accept(L.textStart() + 'a');
        Arrays.fill(logits, 0f);
        s.mask(logits);
        assertThat(logits[L.beginImage()]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(logits[L.endOfTurn()]).isEqualTo(0f);
        assertThat(logits[L.bos()]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(logits[L.imageCodeStart()]).isEqualTo(Float.NEGATIVE_INFINITY);
    }

    @Test
    void anImageBlockRefusesAnythingButCodesAndThenForcesEndImage() {
        ModalityState s = new ModalityState(L, Mode.INTERLEAVED, 2, 10);
        s.accept(L.beginImage());
        assertThat(s.forced()).isEqualTo(-1);
        assertThatThrownBy(() -> s.accept(L.textStart())).isInstanceOf(IllegalStateException.class);
        s.accept(L.imageToken(3));
        s.accept(L.imageToken(4));
        assertThat(s.forced()).isEqualTo(L.endImage());
        s.accept(L.endImage());
        assertThat(s.inImage()).isFalse();
    }

    @Test
    void guidanceCombinesTheThreeRowsAsThePaperWrites() {
        float[] f = {1f, 4f, -2f};
        float[] i = {0.5f, 2f, -1f};
        float[] u = {0f, 1f, 3f};
        float[] out = new float[3];
        new Guidance(3.0, 1.2).combine(f, i, u, out);
        // u + 1.2 (i - u) + 3 (f - i)
        assertThat(out[0]).isCloseTo(0f + 1.2f * 0.5f + 3f * 0.5f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(out[1]).isCloseTo(1f + 1.2f * 1f + 3f * 2f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(out[2]).isCloseTo(3f + 1.2f * -4f + 3f * -1f, org.assertj.core.data.Offset.offset(1e-6f));
        float[] same = f.clone();
        Guidance.off().combine(same, i, u, same);
        assertThat(same).containsExactly(f);
        assertThat(Guidance.defaults()).isEqualTo(new Guidance(3.0, 1.2));
    }

    @Test
    void samplerHonoursGreedyTopKTopPAndThePenalty() {
        float[] logits = {1f, 3f, 2f, Float.NEGATIVE_INFINITY};
        assertThat(new Sampler(Sampling.greedy(), 1).sample(logits.clone())).isEqualTo(1);
        Sampler topK1 = new Sampler(new Sampling(5.0, 1.0, 1, 1.0, 0), 1);
        Sampler tinyP = new Sampler(new Sampling(1.0, 0.01, 0, 1.0, 0), 1);
        for (int k = 0; k < 200; k++) {
            assertThat(topK1.sample(logits.clone())).isEqualTo(1);
            assertThat(tinyP.sample(logits.clone())).isEqualTo(1);
        }
        Sampler any = new Sampler(new Sampling(1.0, 1.0, 0, 1.0, 0), 2);
        boolean[] drawn = new boolean[4];
        for (int k = 0; k < 500; k++) {
            drawn[any.sample(logits.clone())] = true;
        }
        assertThat(drawn).containsExactly(true, true, true, false);
        float[] p = {2f, -2f, 2f};
        Sampler.penalize(p, new boolean[] {true, true, false}, 2.0);
        assertThat(p).containsExactly(1f, -4f, 2f);
        assertThat(Sampling.defaults()).isEqualTo(new Sampling(0.7, 0.9, 0, 1.2, 0));
        assertThatThrownBy(() -> new Sampling(-1, 0.9, 0, 1.2, 0)).isInstanceOf(GenerationException.class)
                .hasMessageContaining("temperature");
    }
}
