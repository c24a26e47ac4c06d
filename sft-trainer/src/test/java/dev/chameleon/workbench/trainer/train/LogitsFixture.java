package dev.chameleon.workbench.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.chameleon.workbench.trainer.model.ChameleonModel;

/** Logits of a fixed short prompt over the counting vocabulary, and their largest difference. */
final class LogitsFixture {

    private LogitsFixture() {
    }

    static float[] logits(NDManager m, ChameleonModel model) {
        long[] ids = {0, 3, 4, 5, 9, 12, 13, 20};
        NDArray x = m.create(ids, new Shape(1, ids.length));
        return model.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray();
    }

    static float maxAbsDiff(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
