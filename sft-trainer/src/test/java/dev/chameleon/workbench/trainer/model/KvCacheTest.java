package dev.chameleon.workbench.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Engine-bound (PyTorch CPU): incremental decoding through the KV cache gives the logits of the full forward,
 * for a long prompt fed in uneven chunks and one token at a time, with GQA and with norm reordering, and for a
 * left-padded row of a batch.
 */
@Tag("engine")
class KvCacheTest {

    private static final int T = 150;

    private static long[] tokens(int vocab, int t, long seed) {
        Random r = new Random(seed);
        long[] ids = new long[t];
        for (int i = 0; i < t; i++) {
            ids[i] = r.nextInt(vocab);
        }
        return ids;
    }

    private static void check(ModelConfig c) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            ChameleonModel model = new ChameleonModel(c);
            model.initialize(m, DataType.FLOAT32, new Shape(1, 8));
            ParameterStore ps = new ParameterStore(m, false);
            long[] ids = tokens(c.vocabSize(), T, 3);
            float[] full = model.forward(ps, new NDList(m.create(ids, new Shape(1, T))), false).head()
                    .toFloatArray();                                             // (1, T, V)
            int v = c.vocabSize();
            KvCache cache = model.newCache(m, 1);
            int[] chunks = {64, 1, 1, 37, 1, 5, 41};                             // sums to 150
            int at = 0;
            double worst = 0;
            for (int len : chunks) {
                long[] part = java.util.Arrays.copyOfRange(ids, at, at + len);
                long[] pos = new long[len];
                for (int j = 0; j < len; j++) {
                    pos[j] = at + j;
                }
                float[] got = model.forwardCached(ps, m.create(part, new Shape(1, len)), m.create(pos, new Shape(1, len)),
                        null, cache, false).toFloatArray();                     // (1, len, V)
                for (int j = 0; j < len * v; j++) {
                    worst = Math.max(worst, Math.abs(got[j] - full[at * v + j]));
                }
                at += len;
            }
            assertThat(cache.length()).isEqualTo(T);
            assertThat(worst).as("max |cached - full| over all %d positions", T).isLessThan(1e-4);
            cache.close();
        }
    }

    @Test
    void cachedLogitsEqualTheFullForwardWithGroupedQueries() {
        check(ModelConfig.of(300, 64, 2, 4, 2, 96, 256));
    }

    @Test
    void cachedLogitsEqualTheFullForwardWithNormReordering() {
        check(new ModelConfig(300, 64, 2, 4, 4, 96, 256, 10_000, 1e-5, true, true, 0.0, 1e-5, false));
    }

    @Test
    void aLeftPaddedRowDecodesAsItWouldAlone() {
        ModelConfig c = ModelConfig.of(300, 64, 2, 4, 2, 96, 256);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            ChameleonModel model = new ChameleonModel(c);
            model.initialize(m, DataType.FLOAT32, new Shape(1, 8));
            ParameterStore ps = new ParameterStore(m, false);
            int shortLen = 20;
            int longLen = 33;
            long[] a = tokens(300, longLen, 1);
            long[] b = tokens(300, shortLen, 2);
            long[] next = {7, 9};
            // alone
            KvCache alone = model.newCache(m, 1);
            long[] pos = new long[shortLen];
            for (int j = 0; j < shortLen; j++) {
                pos[j] = j;
            }
            model.forwardCached(ps, m.create(b, new Shape(1, shortLen)), m.create(pos, new Shape(1, shortLen)), null,
                    alone, true);
            float[] want = model.forwardCached(ps, m.create(new long[] {next[1]}, new Shape(1, 1)),
                    m.create(new long[] {shortLen}, new Shape(1, 1)), null, alone, true).toFloatArray();
            // batched, row 1 left-padded by 13
            int pad = longLen - shortLen;
            long[] ids = new long[2 * longLen];
            long[] positions = new long[2 * longLen];
            float[] mask = new float[2 * longLen];
            for (int j = 0; j < longLen; j++) {
                ids[j] = a[j];
                positions[j] = j;
                if (j < pad) {
                    ids[longLen + j] = 1;
                    mask[longLen + j] = ChameleonModel.BLOCKED;
                } else {
                    ids[longLen + j] = b[j - pad];
                    positions[longLen + j] = j - pad;
                }
            }
            KvCache batch = model.newCache(m, 2);
            model.forwardCached(ps, m.create(ids, new Shape(2, longLen)), m.create(positions, new Shape(2, longLen)),
                    m.create(mask, new Shape(2, 1, 1, longLen)), batch, true);
            float[] step = new float[2 * (longLen + 1)];
            for (int j = 0; j < pad; j++) {
                step[longLen + 1 + j] = ChameleonModel.BLOCKED;
            }
            NDArray got = model.forwardCached(ps, m.create(next, new Shape(2, 1)),
                    m.create(new long[] {longLen, shortLen}, new Shape(2, 1)), m.create(step, new Shape(2, 1, 1, longLen + 1)),
                    batch, true);                                                // (2, 1, V)
            float[] row1 = got.get("1, 0, :").toFloatArray();
            double worst = 0;
            for (int j = 0; j < row1.length; j++) {
                worst = Math.max(worst, Math.abs(row1[j] - want[j]));
            }
            assertThat(worst).isLessThan(1e-4);
        }
    }
}
