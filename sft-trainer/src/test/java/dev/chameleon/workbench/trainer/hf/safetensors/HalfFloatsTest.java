package dev.chameleon.workbench.trainer.hf.safetensors;

import static dev.chameleon.workbench.trainer.hf.safetensors.HalfFloats.bf16ToFloat;
import static dev.chameleon.workbench.trainer.hf.safetensors.HalfFloats.f16ToFloat;
import static dev.chameleon.workbench.trainer.hf.safetensors.HalfFloats.floatToBf16;
import static dev.chameleon.workbench.trainer.hf.safetensors.HalfFloats.floatToF16;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class HalfFloatsTest {

    @Test
    void f16KnownBitPatternsWidenExactly() {
        assertBits(f16ToFloat((short) 0x0000), 0x00000000);
        assertBits(f16ToFloat((short) 0x8000), 0x80000000);
        assertThat(f16ToFloat((short) 0x3c00)).isEqualTo(1.0f);
        assertThat(f16ToFloat((short) 0xc000)).isEqualTo(-2.0f);
        assertThat(f16ToFloat((short) 0x3555)).isEqualTo(0.33325195f);
        assertThat(f16ToFloat((short) 0x7bff)).isEqualTo(65504f);
        assertThat(f16ToFloat((short) 0x0400)).isEqualTo(0x1p-14f);
        assertThat(f16ToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(f16ToFloat((short) 0x03ff)).isEqualTo(1023 * 0x1p-24f);
        assertThat(f16ToFloat((short) 0x8001)).isEqualTo(-0x1p-24f);
        assertThat(f16ToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(f16ToFloat((short) 0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertBits(f16ToFloat((short) 0x7e00), 0x7fc00000);
        assertBits(f16ToFloat((short) 0x7c01), 0x7f802000);
    }

    @Test
    void bf16KnownBitPatternsWidenExactly() {
        assertThat(bf16ToFloat((short) 0x3f80)).isEqualTo(1.0f);
        assertThat(bf16ToFloat((short) 0xc000)).isEqualTo(-2.0f);
        assertThat(bf16ToFloat((short) 0x7f7f)).isEqualTo(3.3895314e38f);
        assertThat(bf16ToFloat((short) 0x0080)).isEqualTo(Float.MIN_NORMAL);
        assertBits(bf16ToFloat((short) 0x0001), 0x00010000);
        assertBits(bf16ToFloat((short) 0x8000), 0x80000000);
        assertThat(bf16ToFloat((short) 0x7f80)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(bf16ToFloat((short) 0xff80)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertBits(bf16ToFloat((short) 0x7fc0), 0x7fc00000);
    }

    @Test
    void everyF16AndBf16PatternSurvivesARoundTripNaNPayloadsIncluded() {
        for (int h = 0; h < 0x10000; h++) {
            float f16 = f16ToFloat((short) h);
            float bf16 = bf16ToFloat((short) h);
            assertThat(floatToF16(f16) & 0xffff).as("f16 %04x", h).isEqualTo(h);
            assertThat(floatToBf16(bf16) & 0xffff).as("bf16 %04x", h).isEqualTo(h);
        }
    }

    /** Between two neighbouring finite values: below the midpoint rounds down, above rounds up, on it to even. */
    @Test
    void narrowingRoundsToNearestTiesToEvenAtEveryMidpoint() {
        for (int h = 0; h < 0x7bff; h++) {
            checkMidpoint(h, f16ToFloat((short) h), f16ToFloat((short) (h + 1)), false);
        }
        for (int h = 0; h < 0x7f7f; h++) {
            checkMidpoint(h, bf16ToFloat((short) h), bf16ToFloat((short) (h + 1)), true);
        }
    }

    private static void checkMidpoint(int h, float lo, float hi, boolean bf16) {
        float mid = (float) (((double) lo + hi) / 2); // exact: at most 12 significant bits
        int even = (h & 1) == 0 ? h : h + 1;
        assertThat(narrow(Math.nextDown(mid), bf16)).as("below the midpoint above %04x", h).isEqualTo(h);
        assertThat(narrow(Math.nextUp(mid), bf16)).as("above the midpoint above %04x", h).isEqualTo(h + 1);
        assertThat(narrow(mid, bf16)).as("on the midpoint above %04x", h).isEqualTo(even);
        assertThat(narrow(-mid, bf16)).as("on the negative midpoint above %04x", h).isEqualTo(0x8000 | even);
    }

    private static int narrow(float f, boolean bf16) {
        return (bf16 ? floatToBf16(f) : floatToF16(f)) & 0xffff;
    }

    @Test
    void f16NarrowingKnownCases() {
        assertThat(narrow(1.0f, false)).isEqualTo(0x3c00);
        assertThat(narrow(1 + 0x1p-11f, false)).isEqualTo(0x3c00);
        assertThat(narrow(1 + 3 * 0x1p-11f, false)).isEqualTo(0x3c02);
        assertThat(narrow(-0.0f, false)).isEqualTo(0x8000);
        assertThat(narrow(65504f, false)).isEqualTo(0x7bff);
        assertThat(narrow(65519.996f, false)).isEqualTo(0x7bff);
        assertThat(narrow(65520f, false)).isEqualTo(0x7c00);
        assertThat(narrow(1e10f, false)).isEqualTo(0x7c00);
        assertThat(narrow(-1e10f, false)).isEqualTo(0xfc00);
        assertThat(narrow(Float.POSITIVE_INFINITY, false)).isEqualTo(0x7c00);
        assertThat(narrow(0x1p-25f, false)).isEqualTo(0x0000);
        assertThat(narrow(Math.nextUp(0x1p-25f), false)).isEqualTo(0x0001);
        assertThat(narrow(3 * 0x1p-25f, false)).isEqualTo(0x0002);
        assertThat(narrow(2047 * 0x1p-25f, false)).isEqualTo(0x0400);
        assertThat(narrow(Float.MIN_VALUE, false)).isEqualTo(0x0000);
        assertThat(narrow(Float.NaN, false)).isEqualTo(0x7e00);
        assertThat(Float.isNaN(f16ToFloat(floatToF16(Float.intBitsToFloat(0x7f800001))))).isTrue();
    }

    @Test
    void bf16NarrowingKnownCases() {
        assertThat(narrow(1.0f, true)).isEqualTo(0x3f80);
        assertThat(narrow(Float.intBitsToFloat(0x3f808000), true)).isEqualTo(0x3f80);
        assertThat(narrow(Float.intBitsToFloat(0x3f818000), true)).isEqualTo(0x3f82);
        assertThat(narrow(Float.intBitsToFloat(0x3f808001), true)).isEqualTo(0x3f81);
        assertThat(narrow(Float.MAX_VALUE, true)).isEqualTo(0x7f80);
        assertThat(narrow(-Float.MAX_VALUE, true)).isEqualTo(0xff80);
        assertThat(narrow(Float.MIN_VALUE, true)).isEqualTo(0x0000);
        assertThat(narrow(-0.0f, true)).isEqualTo(0x8000);
        assertThat(narrow(Float.NaN, true)).isEqualTo(0x7fc0);
        assertThat(narrow(Float.intBitsToFloat(0x7f800001), true)).isEqualTo(0x7fc0);
        assertThat(narrow(Float.intBitsToFloat(0xffc12345), true)).isEqualTo(0xffc1);
    }

    private static void assertBits(float actual, int expectedBits) {
        assertThat(Integer.toHexString(Float.floatToRawIntBits(actual))).isEqualTo(Integer.toHexString(expectedBits));
    }
}
