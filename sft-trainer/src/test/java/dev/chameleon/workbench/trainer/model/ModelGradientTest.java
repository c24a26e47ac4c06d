package dev.chameleon.workbench.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Engine-bound (PyTorch CPU): backward through every block, with a garbage collection between forward and
 * backward (docs/platform.md#scalars-on-the-gradient-path), matches central finite differences in float64.
 */
@Tag("engine")
class ModelGradientTest {

    @Test
    void gradientsSurviveGcAndMatchFiniteDifferences() {
        // GQA (4 heads, 2 kv heads), QK-norm on, both layer orders.
        for (boolean reorder : new boolean[] {false, true}) {
            ModelConfig c = new ModelConfig(24, 16, 2, 4, 2, 24, 16, 10_000, 1e-5, true, reorder, 0.0, 0.0, false);
            check(c);
        }
    }

    private static void check(ModelConfig c) {
        try (NDManager m = NDManager.newBaseManager()) {
            ChameleonModel model = new ChameleonModel(c);
            model.initialize(m, DataType.FLOAT64, new Shape(2, 7));
            // Non-trivial norm gains and biases so their gradients are not symmetric.
            for (Pair<String, Parameter> p : model.getParameters()) {
                NDArray a = p.getValue().getArray();
                a.set(new NDIndex("..."), a.add(m.randomNormal(0, 0.1f, a.getShape(), DataType.FLOAT64)));
            }
            NDArray ids = m.randomInteger(0, c.vocabSize(), new Shape(2, 7), DataType.INT64);
            NDArray targets = m.randomInteger(0, c.vocabSize(), new Shape(2, 7), DataType.INT64);
            ParameterStore ps = new ParameterStore(m, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = loss(model, ps, ids, targets);
                for (int i = 0; i < 3; i++) {
                    System.gc();
                    m.ones(new Shape(256, 256)).mul(m.full(new Shape(1), 2f)); // churn native memory
                }
                gc.backward(loss);
            }
            int checked = 0;
            int moved = 0;
            for (Pair<String, Parameter> p : model.getParameters()) {
                NDArray a = p.getValue().getArray();
                NDArray grad = a.getGradient();
                assertThat(grad.isNaN().any().getBoolean()).as(p.getKey()).isFalse();
                assertThat(grad.isInfinite().any().getBoolean()).as(p.getKey()).isFalse();
                // One element per parameter, the flat index chosen by the parameter's position.
                long size = a.getShape().size();
                long flat = (31L * checked + 7) % size;
                NDArray view = a.reshape(-1);
                double original = view.getDouble(flat);
                double h = 1e-5;
                view.set(new NDIndex(flat), original + h);
                double plus = loss(model, ps, ids, targets).getDouble();
                view.set(new NDIndex(flat), original - h);
                double minus = loss(model, ps, ids, targets).getDouble();
                view.set(new NDIndex(flat), original);
                double numeric = (plus - minus) / (2 * h);
                double analytic = grad.reshape(-1).getDouble(flat);
                assertThat(analytic).as(p.getKey() + "[" + flat + "]")
                        .isCloseTo(numeric, org.assertj.core.data.Offset.offset(1e-6 + 1e-4 * Math.abs(numeric)));
                checked++;
                moved += Math.abs(numeric) > 1e-7 ? 1 : 0;
            }
            assertThat(checked).isEqualTo(model.getParameters().size());
            // The perturbation reached the model (reshape is a view): most sampled gradients are non-zero.
            assertThat(moved).isGreaterThan(checked / 2);
        }
    }

    private static NDArray loss(ChameleonModel model, ParameterStore ps, NDArray ids, NDArray targets) {
        NDArray logits = model.forward(ps, new NDList(ids), true).head();                    // (B, T, V)
        NDArray logp = logits.logSoftmax(-1);                                                  // (B, T, V)
        return logp.gather(targets.expandDims(-1), -1).mean().neg();                           // ()
    }
}
