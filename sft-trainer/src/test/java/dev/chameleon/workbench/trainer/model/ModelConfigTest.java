package dev.chameleon.workbench.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chameleon.workbench.trainer.config.ConfigLoader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ModelConfigTest {

    private static ModelConfig preset(String name) {
        return ConfigLoader.preset("models", name, ModelConfig.class);
    }

    @Test
    void chameleon7bIsWithinOnePercentOfSevenBillion() {
        ModelConfig c = preset("chameleon-7b");
        long n = c.parameterCount();
        System.out.println("chameleon-7b parameters: " + n);
        // 2 * 65536*4096 (embedding + untied head) + 32 * (4*4096^2 attention + 3*4096*11008 SwiGLU
        // + 2*2*4096 QK-norm + 2*4096 RMSNorm) + 4096 final norm.
        assertThat(n).isEqualTo(7_013_666_816L);
        assertThat(Math.abs(n - 7.0e9) / 7.0e9).isLessThan(0.01);
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.normReordering()).isFalse();
    }

    @Test
    void chameleon34bIsWithinOnePercentOfThirtyFourBillion() {
        ModelConfig c = preset("chameleon-34b");
        long n = c.parameterCount();
        System.out.println("chameleon-34b parameters: " + n);
        // 2 * 65536*8192 + 48 * (2*8192^2 q,o + 2*8192*1024 k,v (8 kv heads of 128) + 3*8192*22016 SwiGLU
        // + 2*8192 + 2*1024 QK-norm + 2*8192 RMSNorm) + 8192 = 34.29e9, 0.87% above the nominal 34e9.
        assertThat(n).isEqualTo(34_294_308_864L);
        assertThat(Math.abs(n - 34e9) / 34e9).isLessThan(0.01);
        assertThat(c.groupSize()).isEqualTo(8);
        assertThat(c.normReordering()).isTrue();
    }

    @Test
    void cpuPresetsHaveTheirIntendedSizes() {
        long tiny = preset("tiny").parameterCount();
        long small = preset("small").parameterCount();
        long medium = preset("medium").parameterCount();
        System.out.printf("tiny %d, small %d, medium %d parameters%n", tiny, small, medium);
        assertThat(tiny).isBetween(200_000L, 1_000_000L);
        assertThat(small).isBetween(7_000_000L, 9_000_000L);
        assertThat(medium).isBetween(30_000_000L, 40_000_000L);
    }

    @Test
    void countFollowsTheFormulaPieceByPiece() {
        // d=8, H=2 (hd 4), KV=1, F=16, V=10, 1 layer.
        ModelConfig c = ModelConfig.of(10, 8, 1, 2, 1, 16, 32);
        long attention = 8 * 8 + 2 * 8 * 4 + 8 * 8;   // q, k, v, o
        long qk = 2 * 8 + 2 * 4;                       // gain+bias over 2 query heads, 1 key head
        long ffn = 3 * 8 * 16;
        long norms = 2 * 8;
        assertThat(c.layerParameters()).isEqualTo(attention + qk + ffn + norms);
        assertThat(c.parameterCount()).isEqualTo(10 * 8 + c.layerParameters() + 8 + 10 * 8);

        ModelConfig tied = new ModelConfig(10, 8, 1, 2, 1, 16, 32, 10_000, 1e-5, false, false, 0, 0, true);
        assertThat(tied.parameterCount()).isEqualTo(10 * 8 + (attention + ffn + norms) + 8);
    }

    @Test
    void rejectsHiddenNotDivisibleByHeads() {
        assertThatThrownBy(() -> ModelConfig.of(100, 100, 2, 3, 3, 64, 16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hidden (100)").hasMessageContaining("heads (3)")
                .hasMessageContaining("divisors of hidden");
    }

    @Test
    void rejectsHeadsNotDivisibleByKvHeads() {
        assertThatThrownBy(() -> ModelConfig.of(100, 96, 2, 6, 4, 64, 16))
                .hasMessageContaining("kv_heads (4)").hasMessageContaining("set kv_heads to a divisor of heads");
    }

    @Test
    void rejectsNonPositiveSizesNamingTheField() {
        assertThatThrownBy(() -> ModelConfig.of(0, 64, 2, 4, 4, 64, 16)).hasMessageContaining("vocab_size (0)");
        assertThatThrownBy(() -> ModelConfig.of(10, 64, -1, 4, 4, 64, 16)).hasMessageContaining("layers (-1)");
        assertThatThrownBy(() -> ModelConfig.of(10, 64, 2, 4, 0, 64, 16)).hasMessageContaining("kv_heads (0)");
        assertThatThrownBy(() -> ModelConfig.of(10, 64, 2, 4, 4, 64, 0)).hasMessageContaining("max_context (0)");
    }

    @Test
    void rejectsDropoutOutsideZeroToOne() {
        assertThatThrownBy(() -> new ModelConfig(10, 64, 2, 4, 4, 64, 16, 10_000, 1e-5, true, false, 1.0, 0, false))
                .hasMessageContaining("dropout (1.0) must be in [0, 1)").hasMessageContaining("0.05");
        assertThatThrownBy(() -> new ModelConfig(10, 64, 2, 4, 4, 64, 16, 10_000, 1e-5, true, false, -0.1, 0, false))
                .hasMessageContaining("dropout (-0.1)");
        assertThatThrownBy(() -> new ModelConfig(10, 64, 2, 4, 4, 64, 16, 10_000, 1e-5, true, false, Double.NaN, 0,
                false)).hasMessageContaining("dropout (NaN)");
    }

    @Test
    void rejectsOddHeadDimAndBadScalars() {
        assertThatThrownBy(() -> ModelConfig.of(10, 12, 2, 4, 4, 64, 16)).hasMessageContaining("must be even");
        assertThatThrownBy(() -> new ModelConfig(10, 64, 2, 4, 4, 64, 16, 0, 1e-5, true, false, 0, 0, false))
                .hasMessageContaining("rope_theta");
        assertThatThrownBy(() -> new ModelConfig(10, 64, 2, 4, 4, 64, 16, 10_000, 0, true, false, 0, 0, false))
                .hasMessageContaining("rms_eps");
        assertThatThrownBy(() -> new ModelConfig(10, 64, 2, 4, 4, 64, 16, 10_000, 1e-5, true, false, 0, -1, false))
                .hasMessageContaining("z_loss_weight");
    }

    @Test
    void withVocabSizeKeepsTheRestAndRevalidates() {
        ModelConfig tiny = preset("tiny");
        ModelConfig wide = tiny.withVocabSize(65_536);
        assertThat(wide.vocabSize()).isEqualTo(65_536);
        assertThat(wide.withVocabSize(tiny.vocabSize())).isEqualTo(tiny);
        assertThatThrownBy(() -> tiny.withVocabSize(0)).hasMessageContaining("vocab_size (0)");
    }

    @Test
    void largeCountsDoNotOverflow() {
        ModelConfig huge = ModelConfig.of(262_144, 16_384, 128, 128, 8, 53_248, 8192);
        assertThat(huge.parameterCount()).isGreaterThan(Integer.MAX_VALUE).isPositive();
    }
}
