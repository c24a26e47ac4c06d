package dev.chameleon.workbench.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Engine-bound (PyTorch CPU): global-norm clipping and AdamW's weight-decay exclusions. */
@Tag("engine")
class TrainClipTest {

    @Test
    void globalNormClippingScalesAllGradientsToTheClipNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            ChameleonModel net = new ChameleonModel(TrainFixtures.tinyModel());
            net.initialize(m, DataType.FLOAT32, new Shape(2, 8));
            PairList<String, Parameter> params = net.getParameters();
            AdamW opt = new AdamW(params, m, 0.9, 0.95, 1e-5, 0.1, false);
            NDArray ids = m.randomInteger(0, TrainFixtures.VOCAB, new Shape(2, 8), DataType.INT64);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = net.forward(new ParameterStore(m, false), new NDList(ids), true).head();
                // A large loss so the norm is far above the clip.
                SftLoss loss = SftLoss.compute(logits.mul(m.full(new Shape(1), 50f)), ids, m.ones(new Shape(2, 8)),
                        16, 0);
                gc.backward(loss.total());
            }
            double sq = 0;
            List<float[]> grads = new ArrayList<>();
            for (Pair<String, Parameter> p : params) {
                float[] g = p.getValue().getArray().getGradient().toFloatArray();
                grads.add(g);
                for (float x : g) {
                    sq += (double) x * x;
                }
            }
            float norm = opt.gradientNorm();
            assertThat((double) norm).isCloseTo(Math.sqrt(sq), within(1e-4 * Math.sqrt(sq)));
            assertThat(norm).isGreaterThan(1f);
            float scale = AdamW.clipScale(norm, 1.0);
            assertThat((double) norm * scale).isCloseTo(1.0, within(1e-5));
            assertThat(AdamW.clipScale(0.5f, 1.0)).isEqualTo(1f);
            assertThat(AdamW.clipScale(5f, 0)).isEqualTo(1f);

            opt.step(1e-3, scale);
            // First moment after one step = (1 - beta1) * clipped gradient: the whole gradient scaled by one factor.
            double clippedSq = 0;
            for (int i = 0; i < params.size(); i++) {
                float[] m1 = opt.firstMoment(i).toFloatArray();
                for (int j = 0; j < m1.length; j++) {
                    assertThat(m1[j]).isCloseTo((float) (0.1 * grads.get(i)[j] * scale), within(1e-6f + 1e-4f * Math.abs(m1[j])));
                    double c = m1[j] / 0.1;
                    clippedSq += c * c;
                }
                // Gradients are zeroed for the next step.
                assertThat(params.get(i).getValue().getArray().getGradient().abs().max().getFloat()).isEqualTo(0f);
            }
            assertThat(Math.sqrt(clippedSq)).isCloseTo(1.0, within(1e-3));
            assertThat(opt.decayed()).isNotEmpty()
                    .noneMatch(n -> n.endsWith("embedding") || n.contains("gain") || n.contains("bias"))
                    .anyMatch(n -> n.contains("head"));
        }
    }
}
