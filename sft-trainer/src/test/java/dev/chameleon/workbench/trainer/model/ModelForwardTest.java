package dev.chameleon.workbench.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.chameleon.workbench.trainer.config.ConfigLoader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Engine-bound (PyTorch CPU): builds the tiny preset in DJL and runs one forward pass. */
@Tag("engine")
class ModelForwardTest {

    private static long djlParameters(ChameleonModel model) {
        long n = 0;
        for (Pair<String, Parameter> p : model.getParameters()) {
            n += p.getValue().getArray().getShape().size();
        }
        return n;
    }

    private static NDArray ids(NDManager m, long b, long t, int vocab) {
        return m.randomInteger(0, vocab, new Shape(b, t), DataType.INT64);
    }

    @Test
    void tinyForwardGivesLogitsAndMatchesTheArithmeticCount() {
        for (String preset : new String[] {"tiny"}) {
            ModelConfig c = ConfigLoader.preset("models", preset, ModelConfig.class);
            checkModel(c);
            // The reordered and plain multi-head variants build and count the same way.
            checkModel(new ModelConfig(c.vocabSize(), c.hidden(), c.layers(), c.heads(), c.heads(), c.ffnHidden(),
                    c.maxContext(), c.ropeTheta(), c.rmsEps(), false, true, 0.1, c.zLossWeight(), false));
        }
    }

    private static void checkModel(ModelConfig c) {
        try (NDManager m = NDManager.newBaseManager()) {
            ChameleonModel model = new ChameleonModel(c);
            model.initialize(m, DataType.FLOAT32, new Shape(2, 16));
            assertThat(djlParameters(model)).isEqualTo(c.parameterCount());
            NDArray logits = model.forward(new ParameterStore(m, false), new NDList(ids(m, 2, 16, c.vocabSize())),
                    false).head();
            assertThat(logits.getShape()).isEqualTo(new Shape(2, 16, c.vocabSize()));
            assertThat(logits.isNaN().any().getBoolean()).isFalse();
        }
    }

    @Test
    void kvRepeatInterleavesSoQueryHeadHReadsKvHeadHOverG() {
        // Attention widens (B, KV, T, hd) to (B, H, T, hd) with repeat(1, g); like Hugging Face's repeat_kv
        // this must give kv0, kv0, kv1, kv1 (interleaved), not kv0, kv1, kv0, kv1 (tiled).
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray kv = m.create(new float[] {0, 1}).reshape(1, 2, 1, 1);    // (B=1, KV=2, T=1, hd=1)
            NDArray wide = kv.repeat(1, 2);                                     // (1, 4, 1, 1)
            assertThat(wide.getShape()).isEqualTo(new Shape(1, 4, 1, 1));
            assertThat(wide.toFloatArray()).containsExactly(0f, 0f, 1f, 1f);
        }
    }

    @Test
    void laterTokensNeverChangeEarlierLogits() {
        ModelConfig c = ConfigLoader.preset("models", "tiny", ModelConfig.class);
        try (NDManager m = NDManager.newBaseManager()) {
            ChameleonModel model = new ChameleonModel(c);
            model.initialize(m, DataType.FLOAT32, new Shape(1, 12));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray a = ids(m, 1, 12, c.vocabSize());
            NDArray b = a.duplicate();
            b.set(new ai.djl.ndarray.index.NDIndex(":, 8:"), 7L);
            NDArray la = model.forward(ps, new NDList(a), false).head().get(":, :8, :");
            NDArray lb = model.forward(ps, new NDList(b), false).head().get(":, :8, :");
            assertThat(la.allClose(lb, 1e-5, 1e-5, false)).isTrue();
            NDArray lastA = model.forward(ps, new NDList(a), false).head().get(":, 11, :");
            NDArray lastB = model.forward(ps, new NDList(b), false).head().get(":, 11, :");
            assertThat(lastA.allClose(lastB, 1e-5, 1e-5, false)).isFalse();
        }
    }

    @Test
    void documentMaskAndRestartedPositionsIsolateADocument() {
        // Two documents of 6 tokens in one row: with a block-diagonal mask and positions restarting at 0,
        // the second document's logits equal those of the same document alone.
        ModelConfig c = ConfigLoader.preset("models", "tiny", ModelConfig.class);
        try (NDManager m = NDManager.newBaseManager()) {
            ChameleonModel model = new ChameleonModel(c);
            model.initialize(m, DataType.FLOAT32, new Shape(1, 12));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray packed = ids(m, 1, 12, c.vocabSize());
            float[] maskValues = new float[144];
            long[] pos = new long[12];
            for (int i = 0; i < 12; i++) {
                pos[i] = i % 6;
                for (int j = 0; j < 12; j++) {
                    maskValues[i * 12 + j] = (i / 6 == j / 6) ? 0f : ChameleonModel.BLOCKED;
                }
            }
            NDArray mask = m.create(maskValues, new Shape(1, 1, 12, 12));
            NDArray positions = m.create(pos, new Shape(1, 12));
            NDArray together = model.forward(ps, new NDList(packed, mask, positions), false).head().get(":, 6:, :");
            NDArray alone = model.forward(ps, new NDList(packed.get(":, 6:")), false).head();
            assertThat(together.allClose(alone, 1e-4, 1e-4, false)).isTrue();
        }
    }
}
