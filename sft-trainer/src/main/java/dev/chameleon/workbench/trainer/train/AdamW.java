package dev.chameleon.workbench.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import dev.chameleon.workbench.trainer.checkpoint.WeightCopy;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * AdamW written over NDArrays, so that norms and embeddings can be left out of weight decay and the moments
 * can be saved in a checkpoint (DJL's optimizer does neither), which makes resume exact.
 *
 * <pre>
 *   g  = grad * scale                      (scale from global-norm clipping)
 *   m  = b1 m + (1 - b1) g
 *   v  = b2 v + (1 - b2) g^2
 *   w  = w (1 - lr wd)                     (decayed parameters only)
 *   w  = w - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 * Every update is in place, outside gradient recording; the moments live on the manager given at creation,
 * so a per-step NDScope closes only temporaries. {@link #step} also zeroes the gradients.
 *
 * <p>A parameter may train only a range of its rows (Anole's recipe: the image-code rows of the output head,
 * {@code rows = [from, to)}): its moments are (to - from, ...), the gradient norm and the update read only those
 * rows, and the other rows are never written, so they stay bit-identical.
 */
public final class AdamW {

    private final List<String> names = new ArrayList<>();
    private final List<NDArray> weights = new ArrayList<>();
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final boolean[] decays;
    /** {from, to} of the rows each parameter trains, or null for all of them. */
    private final long[][] rows;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private long t;

    /**
     * @param params    the model's parameters, in the model's order
     * @param manager   holds the moments (zeros at first)
     * @param decayAll  false: norm gains/biases (GAMMA, BETA) and the token embedding get no weight decay
     */
    public AdamW(PairList<String, Parameter> params, NDManager manager, double beta1, double beta2, double eps,
            double weightDecay, boolean decayAll) {
        this(params, manager, beta1, beta2, eps, weightDecay, decayAll, Map.of());
    }

    /**
     * @param rowRanges parameter name to the {from, to} rows it trains; parameters not named train whole
     */
    public AdamW(PairList<String, Parameter> params, NDManager manager, double beta1, double beta2, double eps,
            double weightDecay, boolean decayAll, Map<String, long[]> rowRanges) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decays = new boolean[params.size()];
        this.rows = new long[params.size()][];
        int i = 0;
        for (Pair<String, Parameter> p : params) {
            NDArray w = p.getValue().getArray();
            names.add(p.getKey());
            weights.add(w);
            long[] r = rowRanges.get(p.getKey());
            Shape shape = w.getShape();
            if (r != null) {
                long[] dims = shape.getShape().clone();
                dims[0] = r[1] - r[0];
                shape = new Shape(dims);                                         // (to - from, ...)
            }
            rows[i] = r;
            m.add(manager.zeros(shape, w.getDataType()));
            v.add(manager.zeros(shape, w.getDataType()));
            decays[i++] = decayAll || decayedByDefault(p.getKey(), p.getValue());
        }
    }

    /** Plain weight matrices and LoRA adapters decay; norm gains and biases and the token embedding do not. */
    static boolean decayedByDefault(String name, Parameter p) {
        return (p.getType() == Parameter.Type.WEIGHT && !name.endsWith("embedding"))
                || ChameleonModel.isAdapterParameter(name);
    }

    /** Parameter elements this optimizer updates (rows ranges counted as their rows). */
    public long trainedElements() {
        long n = 0;
        for (NDArray a : m) {
            n += a.size();
        }
        return n;
    }

    /** The gradient of parameter {@code i}, only its trained rows when it has a row range. */
    private NDArray gradient(int i) {
        NDArray g = weights.get(i).getGradient();
        return rows[i] == null ? g : g.get(new NDIndex(rows[i][0] + ":" + rows[i][1]));
    }

    /** Names of the parameters that get weight decay. */
    public List<String> decayed() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (decays[i]) {
                out.add(names.get(i));
            }
        }
        return out;
    }

    /** The first moment of parameter {@code i} (tests). */
    NDArray firstMoment(int i) {
        return m.get(i);
    }

    /** Optimizer steps taken so far. */
    public long steps() {
        return t;
    }

    /** The L2 norm of all gradients together; one host sync. Temporaries belong to the caller's scope. */
    public float gradientNorm() {
        NDList squares = new NDList(weights.size());
        for (int i = 0; i < weights.size(); i++) {
            NDArray g = gradient(i);
            squares.add(g.mul(g).sum().reshape(1));
        }
        return NDArrays.concat(squares).sum().sqrt().getFloat();
    }

    /** The clip factor for a gradient of norm {@code norm}: 1 at or under {@code clip}, else clip / norm. */
    public static float clipScale(float norm, double clip) {
        return clip > 0 && norm > clip ? (float) (clip / (norm + 1e-6)) : 1f;
    }

    /** One update with learning rate {@code lr}, gradients multiplied by {@code gradScale}; zeroes the gradients. */
    public void step(double lr, float gradScale) {
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < weights.size(); i++) {
            NDArray w = weights.get(i);
            NDArray grad = w.getGradient();
            NDArray part = gradient(i);
            NDArray g = gradScale == 1f ? part : part.mul(gradScale);
            m.get(i).muli(beta1).addi(g.mul(1 - beta1));
            v.get(i).muli(beta2).addi(g.mul(g).muli(1 - beta2));
            NDArray denom = v.get(i).div(c2).sqrt().addi(eps);
            NDArray update = m.get(i).div(c1).divi(denom).muli(lr);
            if (rows[i] == null) {
                if (decays[i] && weightDecay > 0) {
                    w.muli(1 - lr * weightDecay);
                }
                w.subi(update);
            } else {
                // Only the trained rows are read and written back; the others are never touched.
                NDIndex range = new NDIndex(rows[i][0] + ":" + rows[i][1]);
                NDArray r = w.get(range);                                        // (to - from, ...)
                if (decays[i] && weightDecay > 0) {
                    r = r.mul(1 - lr * weightDecay);
                }
                w.set(range, r.sub(update));
            }
            grad.subi(grad);
        }
    }

    /** Writes t, then m and v of each parameter (name, element count, floats). */
    public void save(DataOutputStream out) throws IOException {
        out.writeLong(t);
        out.writeInt(weights.size());
        for (int i = 0; i < weights.size(); i++) {
            out.writeUTF(names.get(i));
            Checkpoint.writeArray(out, m.get(i));
            Checkpoint.writeArray(out, v.get(i));
        }
    }

    /** Reads what {@link #save} wrote; the parameter names and sizes must match. */
    public void load(DataInputStream in) throws IOException {
        t = in.readLong();
        int n = in.readInt();
        if (n != weights.size()) {
            throw new IOException("optimizer state holds " + n + " parameters, the model " + weights.size()
                    + "; resume with the model config the checkpoint was written with");
        }
        long largest = 0;
        for (NDArray moment : m) {
            largest = Math.max(largest, moment.size());
        }
        WeightCopy copy = new WeightCopy(largest);                               // one staging buffer for all moments
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            if (!name.equals(names.get(i))) {
                throw new IOException("optimizer state parameter " + i + " is " + name + ", the model's "
                        + names.get(i) + "; resume with the same model config");
            }
            Checkpoint.readArray(in, m.get(i), copy);
            Checkpoint.readArray(in, v.get(i), copy);
        }
    }
}
