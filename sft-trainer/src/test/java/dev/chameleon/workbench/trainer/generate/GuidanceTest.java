package dev.chameleon.workbench.trainer.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The guidance formula on hand-made logits. */
@Tag("unit")
class GuidanceTest {

    private static final float[] F = {2.0f, -1.0f, 0.5f};
    private static final float[] I = {1.0f, 0.0f, 0.5f};
    private static final float[] U = {0.0f, 1.0f, -0.5f};

    @Test
    void weightsOfOneGiveTheFullPromptsLogits() {
        float[] out = new float[3];
        Guidance.off().combine(F, I, U, out);
        assertThat(out).containsExactly(F, within(1e-6f));
        assertThat(Guidance.off().isOff()).isTrue();
        assertThat(new Guidance(1.0, 1.0).isOff()).isTrue();
        assertThat(Guidance.defaults().isOff()).isFalse();
    }

    @Test
    void aTextWeightScalesTheConditionAwayFromTheImageOnlyRow() {
        float s = 3.0f;
        float[] out = new float[3];
        new Guidance(s, 1.0).combine(F, I, U, out);
        for (int j = 0; j < 3; j++) {
            assertThat(out[j]).isCloseTo(I[j] + s * (F[j] - I[j]), within(1e-6f)); // uncond + s * (cond - uncond)
        }
    }

    @Test
    void bothWeightsFollowTheFormulaAndMayWriteIntoTheFullRow() {
        float[] f = F.clone();
        new Guidance(3.0, 1.2).combine(f, I, U, f);
        for (int j = 0; j < 3; j++) {
            assertThat(f[j]).isCloseTo(U[j] + 1.2f * (I[j] - U[j]) + 3.0f * (F[j] - I[j]), within(1e-5f));
        }
    }
}
