package dev.chameleon.workbench.trainer.hf.safetensors;

/**
 * An element type of the safetensors format, by the name the header spells. Only {@link #F32}, {@link #F16} and
 * {@link #BF16} convert to float; the others are listed so a checkpoint that holds them (step counters, masks)
 * can be opened and its other tensors read.
 */
public enum Dtype {
    F64(8), F32(4), F16(2), BF16(2),
    F8_E4M3(1), F8_E5M2(1),
    I64(8), I32(4), I16(2), I8(1),
    U64(8), U32(4), U16(2), U8(1),
    BOOL(1);

    private final int bytes;

    Dtype(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Whether {@code readFloats} converts this type and the writer writes it: F32, F16, BF16. */
    public boolean isFloat() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** The type a header names, or null when the name is not one of the format's types. */
    static Dtype byName(String name) {
        for (Dtype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }
}
