package dev.chameleon.workbench.trainer.hf.torch;

import java.util.Optional;

/**
 * The element types a checkpoint's tensors may have, with the names torch.save writes for them: the legacy storage
 * class that a storage's persistent id names ({@code torch.FloatStorage}) and the dtype object's name
 * ({@code torch.float32}).
 */
public enum TorchDtype {
    F32("float32", "FloatStorage", 4),
    F16("float16", "HalfStorage", 2),
    BF16("bfloat16", "BFloat16Storage", 2),
    F64("float64", "DoubleStorage", 8),
    I64("int64", "LongStorage", 8),
    I32("int32", "IntStorage", 4),
    U8("uint8", "ByteStorage", 1),
    BOOL("bool", "BoolStorage", 1);

    private final String dtypeName;
    private final String storageClass;
    private final int elementSize;

    TorchDtype(String dtypeName, String storageClass, int elementSize) {
        this.dtypeName = dtypeName;
        this.storageClass = storageClass;
        this.elementSize = elementSize;
    }

    /** The dtype's name in the {@code torch} module, e.g. {@code float32} for {@code torch.float32}. */
    public String dtypeName() {
        return dtypeName;
    }

    /** The legacy storage class in the {@code torch} module, e.g. {@code FloatStorage}. */
    public String storageClass() {
        return storageClass;
    }

    /** Bytes per element in a storage file. */
    public int elementSize() {
        return elementSize;
    }

    static Optional<TorchDtype> ofStorageClass(String name) {
        for (TorchDtype d : values()) {
            if (d.storageClass.equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    static Optional<TorchDtype> ofDtypeName(String name) {
        for (TorchDtype d : values()) {
            if (d.dtypeName.equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
