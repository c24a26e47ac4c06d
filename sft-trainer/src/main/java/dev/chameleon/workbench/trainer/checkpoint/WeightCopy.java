package dev.chameleon.workbench.trainer.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Puts loaded values into a parameter's array as native memory the engine owns, through one reusable staging buffer.
 *
 * <p>{@code NDArray.set(Buffer)} on the PyTorch engine does not copy into the tensor's storage: it makes the tensor
 * point at a Java direct buffer (a new one for each call unless handed a direct ByteBuffer, which it then aliases).
 * Loading a model that way keeps every weight in Java's direct memory, which is capped at the heap size by default
 * (a 1B model in fp32 needs 4 GB of it), and handing one reused ByteBuffer would make every parameter share it.
 * Here the staging buffer is wrapped without a copy, cloned by the engine into storage of its own, and the clone's
 * handle replaces the parameter's (its old storage is freed), so the peak is the model plus one tensor.
 */
public final class WeightCopy {

    private final ByteBuffer staging;

    /** A staging buffer for tensors of up to {@code maxElements} float32 values. */
    public WeightCopy(long maxElements) {
        if (maxElements * 4 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a tensor of " + maxElements + " elements is larger than one staging"
                    + " buffer (2 GiB); it cannot be loaded in one piece on this engine");
        }
        staging = ByteBuffer.allocateDirect((int) Math.max(4, maxElements * 4)).order(ByteOrder.nativeOrder());
    }

    /** A staging buffer for the largest of {@code params}' arrays. */
    public static WeightCopy forLargestOf(PairList<String, Parameter> params) {
        long largest = 0;
        for (Pair<String, Parameter> p : params) {
            largest = Math.max(largest, p.getValue().getArray().size());
        }
        return new WeightCopy(largest);
    }

    /** The staging area, cleared, as floats: fill it with the next tensor's values, then call {@link #assign}. */
    public FloatBuffer floats() {
        staging.clear();
        return staging.asFloatBuffer();
    }

    /**
     * Copies the first {@code target.size()} staged floats into {@code target}, converted to its data type, keeping
     * whether it requires a gradient. Works on a thread where autograd records, since no in-place op touches the
     * parameter.
     */
    public void assign(NDArray target) {
        long n = target.size();
        ByteBuffer view = staging.duplicate().order(ByteOrder.nativeOrder());
        view.position(0).limit((int) (n * 4));
        ByteBuffer exact = view.slice().order(ByteOrder.nativeOrder());
        boolean grad = target.hasGradient();
        try (NDManager scratch = target.getManager().newSubManager(target.getDevice())) {
            NDArray alias = scratch.create(exact, target.getShape(), DataType.FLOAT32);   // reads the staging buffer
            NDArray owned = target.getDataType() == DataType.FLOAT32 ? alias.duplicate()
                    : alias.toType(target.getDataType(), true);                    // engine-owned storage
            target.intern(owned);                                               // target now holds owned's handle
        }
        if (grad) {
            target.setRequiresGradient(true);
        }
    }
}
