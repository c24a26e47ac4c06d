package dev.chameleon.workbench.trainer.hf.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("unit")
class SafetensorsRoundTripTest {

    @TempDir
    Path dir;

    /** Values the dtype holds exactly, specials included, so the round trip must give them back bit for bit. */
    private static float[] representable(Dtype dtype, int n) {
        Random r = new Random(7);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            short bits = (short) r.nextInt(0x10000);
            v[i] = switch (dtype) {
                case F32 -> Float.intBitsToFloat(r.nextInt());
                case F16 -> HalfFloats.f16ToFloat(bits);
                case BF16 -> HalfFloats.bf16ToFloat(bits);
                default -> throw new IllegalArgumentException();
            };
        }
        v[0] = Float.POSITIVE_INFINITY;
        v[1] = -0.0f;
        v[2] = Float.NaN;
        return v;
    }

    @ParameterizedTest
    @EnumSource(value = Dtype.class, names = {"F32", "F16", "BF16"})
    void eachFloatTypeRoundTripsBitForBit(Dtype dtype) throws IOException {
        float[] values = representable(dtype, 6 * 35);
        Path file = dir.resolve("w.safetensors");
        new SafetensorsWriter().metadata("format", "pt").add("w", dtype, new long[] {6, 35}, values).write(file);

        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            TensorInfo t = f.tensor("w");
            assertThat(t.dtype()).isEqualTo(dtype);
            assertThat(t.shape()).containsExactly(6, 35);
            assertThat(t.elementCount()).isEqualTo(210);
            assertThat(t.byteLength()).isEqualTo(210L * dtype.bytes());
            assertThat(f.metadata()).isEqualTo(Map.of("format", "pt"));
            assertSameBits(f.readFloats("w"), values);

            FloatBuffer direct = ByteBuffer.allocateDirect(4 * 220).order(ByteOrder.nativeOrder()).asFloatBuffer();
            direct.position(10);
            f.readFloats("w", direct);
            assertThat(direct.position()).isEqualTo(220);
            float[] back = new float[210];
            direct.position(10);
            direct.get(back);
            assertSameBits(back, values);
        }
        try (SafetensorsFile f = SafetensorsFile.open(file, 8)) {
            assertSameBits(f.readFloats("w"), values); // read in windows of 8 bytes
        }
    }

    @Test
    void narrowingOnWriteRoundsToNearestEven() throws IOException {
        float tie = Float.intBitsToFloat(0x3f808000);
        Path file = new SafetensorsWriter()
                .add("b", Dtype.BF16, new long[] {3}, new float[] {tie, 1e-3f, 70000f})
                .add("h", Dtype.F16, new long[] {3}, new float[] {1 + 0x1p-11f, 1e-3f, 70000f})
                .write(dir.resolve("n.safetensors"));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.readFloats("b")).containsExactly(1.0f, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1e-3f)),
                    70144f);
            assertThat(f.readFloats("h")).containsExactly(1.0f, 0.0010004044f, Float.POSITIVE_INFINITY);
        }
    }

    @Test
    void headerIsPaddedAndTensorsAreOrderedTheSameWhateverTheAddingOrder() throws IOException {
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        new SafetensorsWriter().metadata("format", "pt")
                .add("z.f16", Dtype.F16, new long[] {3}, new float[] {1, 2, 3})
                .add("a.bf16", Dtype.BF16, new long[] {1}, new float[] {4})
                .add("m.f32", Dtype.F32, new long[] {2}, new float[] {5, 6})
                .write(a);
        new SafetensorsWriter().metadata("format", "pt")
                .add("m.f32", Dtype.F32, new long[] {2}, new float[] {5, 6})
                .add("a.bf16", Dtype.BF16, new long[] {1}, new float[] {4})
                .add("z.f16", Dtype.F16, new long[] {3}, new float[] {1, 2, 3})
                .write(b);
        byte[] bytes = Files.readAllBytes(a);
        assertThat(bytes).isEqualTo(Files.readAllBytes(b));

        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat((8 + n) % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"m.f32\"");
        assertThat(header.indexOf("a.bf16")).isLessThan(header.indexOf("z.f16"));
        try (SafetensorsFile f = SafetensorsFile.open(a)) {
            assertThat(f.names()).containsExactly("m.f32", "a.bf16", "z.f16");
            assertThat(f.tensor("m.f32").byteOffset()).isEqualTo(8 + n);
            assertThat(f.readFloats("z.f16")).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aStreamingSourceIsCountedAndAShortOneLeavesNoFile() throws IOException {
        Path file = dir.resolve("s.safetensors");
        new SafetensorsWriter().add("big", Dtype.F16, new long[] {1000, 1000}, sink -> {
            float[] row = new float[1000];
            for (int r = 0; r < 1000; r++) {
                java.util.Arrays.fill(row, r);
                sink.put(row, 0, row.length);
            }
        }).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            float[] v = f.readFloats("big");
            assertThat(v[0]).isEqualTo(0f);
            assertThat(v[999_999]).isEqualTo(999f);
            assertThat(v[500_000]).isEqualTo(500f);
        }

        Path shortFile = dir.resolve("short.safetensors");
        SafetensorsWriter w = new SafetensorsWriter()
                .add("w", Dtype.F32, new long[] {4}, sink -> sink.put(new float[] {1, 2, 3}, 0, 3));
        assertThatThrownBy(() -> w.write(shortFile)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tensor 'w'").hasMessageContaining("gave 3 values");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("s.safetensors");
        }
    }

    @Test
    void theWriterRefusesWhatItCannotWrite() {
        SafetensorsWriter w = new SafetensorsWriter();
        assertThatThrownBy(() -> w.add("w", Dtype.F32, new long[] {2, 2}, new float[3]))
                .hasMessageContaining("holds 4 values, given 3");
        assertThatThrownBy(() -> w.add("i", Dtype.I64, new long[] {1}, new float[1]))
                .hasMessageContaining("F32, F16 and BF16");
        assertThatThrownBy(() -> w.add("__metadata__", Dtype.F32, new long[] {1}, new float[1]))
                .hasMessageContaining("reserved");
        w.add("w", Dtype.F32, new long[] {1}, new float[1]);
        assertThatThrownBy(() -> w.add("w", Dtype.F32, new long[] {1}, new float[1]))
                .hasMessageContaining("added twice");
    }

    @Test
    void readRawGivesReadOnlyLittleEndianBytes() throws IOException {
        Path file = new SafetensorsWriter().add("w", Dtype.F32, new long[] {2}, new float[] {1.5f, -2f})
                .write(dir.resolve("r.safetensors"));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            ByteBuffer raw = f.readRaw("w");
            assertThat(raw.isReadOnly()).isTrue();
            assertThat(raw.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(raw.remaining()).isEqualTo(8);
            assertThat(raw.getFloat(0)).isEqualTo(1.5f);
            assertThat(raw.getFloat(4)).isEqualTo(-2f);
        }
    }

    @Test
    void otherDtypesAreListedAndGivenRawButNotAsFloats() throws IOException {
        String json = "{\"f64\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"i64\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[8,24]},"
                + "\"i32\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[24,28]},"
                + "\"u8\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[28,30]},"
                + "\"i8\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[30,31]},"
                + "\"mask\":{\"dtype\":\"BOOL\",\"shape\":[1,1],\"data_offsets\":[31,32]},"
                + "\"empty\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[32,32]}}";
        ByteBuffer buf = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        buf.putDouble(2.5).putLong(-7).putLong(1L << 40).putInt(42).put((byte) 200).put((byte) 1).put((byte) -3)
                .put((byte) 1);
        Path file = RawFiles.write(dir.resolve("mixed.safetensors"), json, buf.array());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.tensors()).extracting(TensorInfo::dtype).containsExactly(Dtype.F64, Dtype.I64, Dtype.I32,
                    Dtype.U8, Dtype.I8, Dtype.BOOL, Dtype.F32);
            assertThat(f.tensor("i32").shape()).isEmpty();
            assertThat(f.tensor("i32").elementCount()).isEqualTo(1);
            assertThat(f.readRaw("i64").getLong(8)).isEqualTo(1L << 40);
            assertThat(f.readRaw("f64").getDouble(0)).isEqualTo(2.5);
            assertThat(f.readRaw("u8").get(0) & 0xff).isEqualTo(200);
            assertThat(f.readFloats("empty")).isEmpty();
            assertThat(f.metadata()).isEmpty();
            assertThatThrownBy(() -> f.readFloats("i64")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("mixed.safetensors").hasMessageContaining("dtype I64");
            assertThatThrownBy(() -> f.readFloats("nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no tensor 'nope'");
            assertThatCode(() -> f.readFloats("empty", FloatBuffer.allocate(0))).doesNotThrowAnyException();
        }
    }

    @Test
    void aPaddedHeaderFromAnotherWriterIsRead() throws IOException {
        String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        String padded = json + " ".repeat(8 - json.length() % 8);
        Path file = RawFiles.write(dir.resolve("p.safetensors"), padded, RawFiles.floats(3f, 4f));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.readFloats("w")).containsExactly(3f, 4f);
        }
    }

    private static void assertSameBits(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Float.floatToRawIntBits(actual[i])).as("element %d", i)
                    .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
    }
}
