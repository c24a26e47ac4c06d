package dev.chameleon.workbench.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Engine-bound (PyTorch CPU): the SFT loss on hand-computed logits. */
@Tag("engine")
class TrainLossTest {

    @Test
    void crossEntropyAndZLossMatchHandComputedValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] l = {1f, 2f, 3f, 0f, 0f, 5f};                          // (1, 2, 3)
            NDArray logits = m.create(l, new Shape(1, 2, 3));
            NDArray targets = m.create(new long[] {2, 0}, new Shape(1, 2));
            NDArray mask = m.create(new float[] {1f, 1f}, new Shape(1, 2));
            SftLoss loss = SftLoss.compute(logits, targets, mask, 2, 0.5);
            double z0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
            double z1 = Math.log(2 + Math.exp(5));
            double ce = ((z0 - 3) + (z1 - 0)) / 2;
            double z = (z0 * z0 + z1 * z1) / 2;
            assertThat(loss.ce().getFloat()).isCloseTo((float) ce, within(1e-5f));
            assertThat(loss.z().getFloat()).isCloseTo((float) z, within(1e-4f));
            assertThat(loss.total().getFloat()).isCloseTo((float) (ce + 0.5 * z), within(1e-4f));
        }
    }

    @Test
    void maskedPositionsCarryNoLossAndNoGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.randomNormal(new Shape(1, 4, 5));
            logits.setRequiresGradient(true);
            NDArray targets = m.create(new long[] {1, 2, 3, 4}, new Shape(1, 4));
            NDArray mask = m.create(new float[] {0f, 1f, 0f, 1f}, new Shape(1, 4));   // positions 0, 2 are prompt
            float before;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                SftLoss loss = SftLoss.compute(logits, targets, mask, 2, 1e-2);
                before = loss.total().getFloat();
                gc.backward(loss.total());
            }
            float[] grad = logits.getGradient().toFloatArray();
            for (int v = 0; v < 5; v++) {
                assertThat(grad[v]).as("position 0, logit %d", v).isEqualTo(0f);
                assertThat(grad[10 + v]).as("position 2, logit %d", v).isEqualTo(0f);
            }
            assertThat(Math.abs(grad[5]) + Math.abs(grad[15])).isGreaterThan(0f);
            // Changing prompt logits changes nothing.
            float[] raw = logits.toFloatArray();
            for (int v = 0; v < 5; v++) {
                raw[v] += 7f * v;
                raw[10 + v] -= 3f;
            }
            float after = SftLoss.compute(m.create(raw, new Shape(1, 4, 5)), targets, mask, 2, 1e-2).total().getFloat();
            assertThat(after).isCloseTo(before, within(1e-5f));
        }
    }
}
