package dev.chameleon.workbench.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

/**
 * The low-rank update beside one frozen projection W (out, in): {@code (alpha / r) B A dropout(x)}, added to
 * {@code W x} by the block that owns W ({@link LoraConfig}).
 *
 * <p>A (r, in) starts Kaiming-uniform as in PEFT ({@code kaiming_uniform_(a=sqrt(5))}, bound 1 / sqrt(in)); B (out, r)
 * starts at zero, so the adapted model starts as the base model. {@link #mergeInto} folds the update into W
 * ({@code W' = W + (alpha / r) B A}); a merged adapter adds nothing more in the forward.
 */
final class LoraAdapter extends AbstractBlock {

    /** Suffix of the A matrix's parameter name (full names end in {@code _lora_a}). */
    static final String A = "lora_a";
    /** Suffix of the B matrix's parameter name. */
    static final String B = "lora_b";

    private final String target;
    private final long in;
    private final double scale;
    private final double dropout;
    private final Parameter a;
    private final Parameter b;
    private boolean merged;

    LoraAdapter(String target, long in, long out, LoraConfig c) {
        this.target = target;
        this.in = in;
        this.scale = c.scale();
        this.dropout = c.dropout();
        // Type OTHER: the model's NormalInitializer for WEIGHT must not replace these initial values.
        a = addParameter(Parameter.builder().setName(A).setType(Parameter.Type.OTHER)
                .optInitializer(new UniformInitializer((float) (1 / Math.sqrt(in))))
                .optShape(new Shape(c.rank(), in)).build());
        b = addParameter(Parameter.builder().setName(B).setType(Parameter.Type.OTHER)
                .optInitializer(Initializer.ZEROS).optShape(new Shape(out, c.rank())).build());
    }

    /** The PEFT name of the projection it adapts ({@code q_proj}, ...). */
    String target() {
        return target;
    }

    /** A (r, in). */
    Parameter a() {
        return a;
    }

    /** B (out, r). */
    Parameter b() {
        return b;
    }

    boolean merged() {
        return merged;
    }

    /** {@code base} (B, T, out) plus this adapter's update of x (B, T, in); {@code base} alone once merged. */
    NDArray add(ParameterStore ps, NDArray x, NDArray base, boolean training) {
        if (merged) {
            return base;
        }
        return base.add(forward(ps, new NDList(x), training).head());           // (B, T, out)
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();                                   // (B, T, in)
        if (training && dropout > 0) {
            x = Dropout.dropout(x, (float) dropout, true).head();               // (B, T, in)
        }
        NDArray wa = ps.getValue(a, x.getDevice(), training);                    // (r, in)
        NDArray wb = ps.getValue(b, x.getDevice(), training);                    // (out, r)
        NDArray low = Linear.linear(x, wa).head();                               // (B, T, r)
        NDArray up = Linear.linear(low, wb).head();                              // (B, T, out)
        // The scale as a native array: a Java scalar on the gradient path can be freed before backward
        // (docs/platform.md#scalars-on-the-gradient-path).
        NDArray s = x.getManager().full(new Shape(1), (float) scale, x.getDataType());
        return new NDList(up.mul(s));                                            // (B, T, out)
    }

    /**
     * Folds the update into {@code w} (out, in) in place, {@code W += (alpha / r) B A}, and stops adding it in the
     * forward. Runs outside gradient recording (a plain copy into the weight's storage).
     */
    void mergeInto(NDArray w) {
        if (merged) {
            return;
        }
        NDArray delta = b.getArray().matMul(a.getArray()).mul(scale);           // (out, in)
        NDArray sum = w.add(delta);                                              // (out, in)
        w.set(java.nio.FloatBuffer.wrap(sum.toFloatArray()));
        sum.close();
        delta.close();
        this.merged = true;
    }

    /** {@code w x} for x (B, T, in), plus the adapter's update when there is one: (B, T, out). */
    static NDArray project(ParameterStore ps, Linear w, LoraAdapter adapter, NDArray x, boolean training) {
        NDArray base = w.forward(ps, new NDList(x), training).head();            // (B, T, out)
        return adapter == null ? base : adapter.add(ps, x, base, training);     // (B, T, out)
    }

    /** The adapters that exist among {@code adapters}, in order. */
    static java.util.List<LoraAdapter> present(LoraAdapter... adapters) {
        java.util.List<LoraAdapter> out = new java.util.ArrayList<>();
        for (LoraAdapter a : adapters) {
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /** Folds {@code adapter} (when there is one) into the weight of {@code w}. */
    static void merge(LoraAdapter adapter, Linear w) {
        if (adapter != null) {
            adapter.mergeInto(w.getParameters().get(0).getValue().getArray());  // (out, in)
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(0), x.get(1), b.getShape().get(0))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children; A and B are this block's own parameters
    }

    @Override
    public String toString() {
        return "LoraAdapter(" + target + ", in " + in + ")";
    }
}
