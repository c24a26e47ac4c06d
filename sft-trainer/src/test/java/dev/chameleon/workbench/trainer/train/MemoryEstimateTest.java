package dev.chameleon.workbench.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chameleon.workbench.trainer.config.ConfigLoader;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The training memory estimate: parameter bytes from parameterCount, the activation formula by hand, monotony. */
@Tag("unit")
class MemoryEstimateTest {

    private static final List<String> PRESETS = List.of("tiny", "demo", "small", "medium", "chameleon-7b",
            "chameleon-34b");

    @Test
    void parameterBytesFollowParameterCountForEveryPreset() {
        for (String name : PRESETS) {
            ModelConfig m = ConfigLoader.preset("models", name, ModelConfig.class);
            long p = m.parameterCount();
            MemoryEstimate fp32 = MemoryEstimate.fullFineTuning(m, 64, 1);
            assertThat(fp32.weights()).as(name).isEqualTo(4 * p);
            assertThat(fp32.gradients()).as(name).isEqualTo(4 * p);
            assertThat(fp32.optimizer()).as(name).isEqualTo(8 * p);
            MemoryEstimate bf16 = MemoryEstimate.of(m, 64, 1, 2, p);
            assertThat(bf16.weights()).as(name).isEqualTo(2 * p);
            assertThat(bf16.gradients()).as(name).isEqualTo(2 * p);
            assertThat(bf16.optimizer()).as(name + ": fp32 moments and master weights").isEqualTo(12 * p);
        }
    }

    @Test
    void fewerTrainableParametersShrinkGradientsAndOptimizerOnly() {
        ModelConfig m = ConfigLoader.preset("models", "small", ModelConfig.class);
        MemoryEstimate full = MemoryEstimate.fullFineTuning(m, 128, 2);
        MemoryEstimate adapters = MemoryEstimate.of(m, 128, 2, 4, 1000);
        assertThat(adapters.weights()).isEqualTo(full.weights());
        assertThat(adapters.activations()).isEqualTo(full.activations());
        assertThat(adapters.gradients()).isEqualTo(4000);
        assertThat(adapters.optimizer()).isEqualTo(8000);
    }

    @Test
    void activationFormulaOnATinyConfigByHand() {
        // d = 8, H = 2, KV = 1, hd = 4 (k = 4), F = 12, one layer, QK-norm on, no dropout, GQA (group 2).
        ModelConfig m = ModelConfig.of(16, 8, 1, 2, 1, 12, 16);
        // a = 6 norms + 1 q + 5 q-LayerNorm + 5 q-RoPE + 3 attention out + 2 residuals + 2 repeated k, v = 24
        // b = 2 k, v + 5 k-LayerNorm + 5 k-RoPE = 12
        // per token: 24 * 8 + 12 * 4 + 5 * 12 = 192 + 48 + 60 = 300; T = 4: 1200; scores 4 * H * T * T = 128
        assertThat(MemoryEstimate.layerActivationElements(m, 4)).isEqualTo(1328);
        // other: T * 4d + 2 * T * T = 128 + 32 = 160
        assertThat(MemoryEstimate.otherActivationElements(m, 4)).isEqualTo(160);
        MemoryEstimate e = MemoryEstimate.fullFineTuning(m, 4, 2);
        assertThat(e.activations()).isEqualTo(2 * (1328 + 160) * 4);   // two rows, fp32
        assertThat(e.logits()).isEqualTo(3 * 2 * 4 * 16 * 4);          // logits, log-softmax, gradient: B T V fp32
        assertThat(e.total()).isEqualTo(e.weights() + e.gradients() + e.optimizer() + e.activations() + e.logits());

        // Dropout adds the two dropped residual branches and the dropped attention weights.
        ModelConfig dropped = new ModelConfig(16, 8, 1, 2, 1, 12, 16, 10_000, 1e-5, true, false, 0.1, 1e-5, false);
        assertThat(MemoryEstimate.layerActivationElements(dropped, 4)).isEqualTo(1328 + 2 * 8 * 4 + 2 * 4 * 4);
    }

    @Test
    void growsWithSequenceLengthAndBatch() {
        ModelConfig m = ConfigLoader.preset("models", "small", ModelConfig.class);
        long previous = 0;
        for (int t : new int[] {16, 64, 256, 1024}) {
            long total = MemoryEstimate.fullFineTuning(m, t, 1).total();
            assertThat(total).as("seq_len " + t).isGreaterThan(previous);
            previous = total;
        }
        previous = 0;
        for (int b = 1; b <= 8; b *= 2) {
            long total = MemoryEstimate.fullFineTuning(m, 256, b).total();
            assertThat(total).as("batch " + b).isGreaterThan(previous);
            previous = total;
        }
    }

    @Test
    void describesAndFits() {
        MemoryEstimate e = new MemoryEstimate(3L << 30, 3L << 30, 6L << 30, 1L << 29, 0);
        assertThat(e.describe()).isEqualTo("about 12.5 GiB: weights 3.0, gradients 3.0, optimizer 6.0, activations 0.5");
        assertThat(e.fitsIn(e.total())).isTrue();
        assertThat(e.fitsIn(e.total() - 1)).isFalse();
        assertThat(MemoryEstimate.gib(10L << 20)).isEqualTo("0.01");
    }

    @Test
    void rejectsNonsense() {
        ModelConfig m = ModelConfig.of(16, 8, 1, 2, 1, 12, 16);
        assertThatThrownBy(() -> MemoryEstimate.of(m, 0, 1, 4, 1)).hasMessageContaining("seq_len");
        assertThatThrownBy(() -> MemoryEstimate.of(m, 4, 1, 3, 1)).hasMessageContaining("weight bytes");
    }
}
