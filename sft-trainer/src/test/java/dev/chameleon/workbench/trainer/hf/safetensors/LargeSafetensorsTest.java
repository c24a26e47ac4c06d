package dev.chameleon.workbench.trainer.hf.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file past 4 GiB (sparse: it costs no disk) whose tensors lie beyond the 2 GiB that one mapping or one Java
 * array can span, the size of a 7B model's shard.
 */
@Tag("slow")
class LargeSafetensorsTest {

    private static final long TWO_GIB = 1L << 31;

    @TempDir
    Path dir;

    @Test
    void tensorsPastTwoGibAreRead() throws IOException {
        long a = TWO_GIB - 8;    // U8 filler that ends 8 bytes before 2 GiB into the buffer
        long big = TWO_GIB + 8;  // U8 tensor larger than one mapping
        String json = "{\"a\":{\"dtype\":\"U8\",\"shape\":[" + a + "],\"data_offsets\":[0," + a + "]},"
                + "\"cross\":{\"dtype\":\"BF16\",\"shape\":[8],\"data_offsets\":[" + a + "," + (a + 16) + "]},"
                + "\"big\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[" + (a + 16) + ","
                + (a + 16 + big) + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[" + (a + 16 + big) + ","
                + (a + 32 + big) + "]}}";
        byte[] header = json.getBytes(StandardCharsets.US_ASCII);
        long dataStart = 8 + header.length;
        Path file = dir.resolve("large.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(dataStart + a + 32 + big);
            ByteBuffer head = ByteBuffer.allocate((int) dataStart).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(header.length).put(header);
            raf.write(head.array());
            ByteBuffer cross = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 8; i++) {
                cross.putShort(HalfFloats.floatToBf16(i - 3.5f));
            }
            raf.seek(dataStart + a);
            raf.write(cross.array());
            raf.seek(dataStart + a + 16 + big);
            raf.write(RawFiles.floats(1.25f, -2f, 3e38f, Float.NEGATIVE_INFINITY));
        }

        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.tensor("tail").byteOffset()).isGreaterThan(2 * TWO_GIB);
            assertThat(f.readFloats("tail")).containsExactly(1.25f, -2f, 3e38f, Float.NEGATIVE_INFINITY);
            assertThat(f.readFloats("cross")).containsExactly(-3.5f, -2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, 3.5f);
            assertThat(f.readRaw("a").get((int) (a - 1))).isZero();
            assertThat(f.tensor("big").byteLength()).isEqualTo(big);
            assertThatThrownBy(() -> f.readRaw("big")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tensor 'big'").hasMessageContaining("at most 2 GiB");
        }
    }
}
