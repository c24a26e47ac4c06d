package dev.chameleon.workbench.trainer.hf.safetensors;

/**
 * Conversions between float and the two 16-bit float formats, bit for bit. Widening (F16 or BF16 to F32) is
 * exact for every value, subnormals, infinities and NaN payloads included; narrowing rounds to nearest, ties to
 * even, overflows to infinity and keeps a NaN a NaN, so every 16-bit pattern survives a round trip through float. (Java 17 has no {@code Float.float16ToFloat}.)
 */
final class HalfFloats {

    private HalfFloats() {
    }

    /** IEEE binary16 (1 sign, 5 exponent, 10 mantissa bits) to float. */
    static float f16ToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            // Zero or subnormal: mant * 2^-24, exact in float.
            float v = Math.scalb((float) mant, -24);
            return sign == 0 ? v : -v;
        }
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** bfloat16 (the upper half of a float) to float. */
    static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    /** Float to IEEE binary16, round to nearest even; beyond 65504 (after rounding) gives infinity. */
    static short floatToF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            // Infinity stays infinity; a NaN keeps its upper payload bits, made quiet only where they are all zero
            // (which would read as infinity), so every F16 NaN survives F16 -> F32 -> F16 unchanged.
            int payload = mant >>> 13;
            return (short) (sign | 0x7c00 | (mant == 0 ? 0 : payload == 0 ? 0x200 : payload));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign; // below 2^-25: rounds to zero
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rest = m & ((1 << shift) - 1);
            int midpoint = 1 << (shift - 1);
            if (rest > midpoint || (rest == midpoint && (half & 1) != 0)) {
                half++; // may carry into the smallest normal, which is the right answer
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
            half++; // may carry into the exponent, up to infinity
        }
        return (short) (sign | half);
    }

    /** Float to bfloat16, round to nearest even; a NaN stays a NaN. */
    static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            // A NaN keeps its upper bits, made quiet only where those would read as infinity.
            int upper = bits >>> 16;
            return (short) ((upper & 0x7f) == 0 ? upper | 0x0040 : upper);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
