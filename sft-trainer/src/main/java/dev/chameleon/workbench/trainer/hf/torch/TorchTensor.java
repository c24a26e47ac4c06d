package dev.chameleon.workbench.trainer.hf.torch;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor as a checkpoint describes it: a strided view of a storage that lives in its own zip entry. Nothing is
 * read until {@link TorchCheckpoint#floats(TorchTensor)} asks for the values.
 *
 * @param name          the state-dict key, or null for a tensor elsewhere in the object tree
 * @param dtype         the element type (the storage's type)
 * @param shape         the size of each dimension; empty for a scalar
 * @param stride        elements to step per dimension, as torch stores it
 * @param storageOffset the index of the first element in the storage
 * @param storageKey    the storage's key: its values are the entry {@code ARCHIVE/data/<key>}
 * @param storageNumel  the number of elements in the whole storage
 */
public record TorchTensor(String name, TorchDtype dtype, long[] shape, long[] stride, long storageOffset,
                          String storageKey, long storageNumel) {

    public TorchTensor {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(storageKey, "storageKey");
        shape = shape.clone();
        stride = stride.clone();
        if (shape.length != stride.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " and stride "
                    + Arrays.toString(stride) + " differ in rank");
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long[] stride() {
        return stride.clone();
    }

    /** The number of elements: the product of the shape (1 for a scalar). */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * Whether the elements lie in row-major order without gaps, so that they are one run of the storage. Dimensions
     * of size 1 may carry any stride, as in torch.
     */
    public boolean isContiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return numel() == 0;
            }
            expected *= shape[i];
        }
        return true;
    }

    TorchTensor withName(String newName) {
        return new TorchTensor(newName, dtype, shape, stride, storageOffset, storageKey, storageNumel);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchTensor t && Objects.equals(name, t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && Arrays.equals(stride, t.stride)
                && storageOffset == t.storageOffset && storageKey.equals(t.storageKey)
                && storageNumel == t.storageNumel;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), Arrays.hashCode(stride), storageOffset, storageKey);
    }

    @Override
    public String toString() {
        return "TorchTensor[" + (name == null ? "" : name + " ") + dtype + " " + Arrays.toString(shape)
                + ", stride " + Arrays.toString(stride) + ", storage " + storageKey + " at " + storageOffset
                + " of " + storageNumel + "]";
    }
}
