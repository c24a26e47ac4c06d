package dev.chameleon.workbench.trainer.hf.safetensors;

import java.util.Arrays;

/**
 * One tensor of a safetensors file as its header describes it.
 *
 * @param name       the tensor's name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param dtype      its element type
 * @param shape      its dimensions, outermost first; empty for a scalar (one element)
 * @param byteOffset where its bytes begin, counted from the start of the file (not of the data buffer)
 * @param byteLength how many bytes it holds: elements times {@link Dtype#bytes()}
 */
public record TensorInfo(String name, Dtype dtype, long[] shape, long byteOffset, long byteLength) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of elements: the product of the shape, 1 for a scalar. */
    public long elementCount() {
        return byteLength / dtype.bytes();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && byteOffset == t.byteOffset && byteLength == t.byteLength;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @" + byteOffset + "+" + byteLength;
    }
}
