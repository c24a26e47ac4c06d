package dev.chameleon.workbench.trainer.hf.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files from the internet may be broken or built to harm: each fault is refused with an
 * {@link InvalidSafetensorsException} that names the file, the part and the fault, never a bare Java exception.
 */
@Tag("unit")
class HostileSafetensorsTest {

    @TempDir
    Path dir;

    private static String t(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets
                + "}";
    }

    private InvalidSafetensorsException refused(String json, int bufferBytes) throws IOException {
        return refused(RawFiles.write(dir.resolve("bad.safetensors"), json, new byte[bufferBytes]));
    }

    private static InvalidSafetensorsException refused(Path file) {
        InvalidSafetensorsException e = catchThrowableOfType(() -> SafetensorsFile.open(file).close(),
                InvalidSafetensorsException.class);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.getMessage()).startsWith(file.toString()).doesNotContain("Exception").doesNotContain("java.");
        assertThat(e.file()).isEqualTo(file);
        return e;
    }

    @Test
    void aFileShorterThanTheLengthFieldIsRefused() throws IOException {
        Path file = Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3});
        assertThat(refused(file)).hasMessageContaining("header").hasMessageContaining("3 bytes");
    }

    @Test
    void aHeaderLengthOverTheLimitIsRefusedBeforeAnythingIsRead() throws IOException {
        Path file = RawFiles.write(dir.resolve("huge.safetensors"), 200L << 20, "{}".getBytes(), new byte[0]);
        assertThat(refused(file)).hasMessageContaining("header").hasMessageContaining("209715200");
        Path negative = RawFiles.write(dir.resolve("neg.safetensors"), -1L, "{}".getBytes(), new byte[0]);
        assertThat(refused(negative)).hasMessageContaining("18446744073709551615");
    }

    @Test
    void aHeaderLengthPastTheEndOfTheFileIsRefused() throws IOException {
        Path file = RawFiles.write(dir.resolve("cut.safetensors"), 1000, "{}".getBytes(), new byte[0]);
        assertThat(refused(file)).hasMessageContaining("says 1000 bytes but only 2 follow");
    }

    @Test
    void invalidJsonIsRefusedWithItsPlace() throws IOException {
        assertThat(refused("{\"w\": {\"dtype\": F32}}", 0)).hasMessageContaining("header: is not valid JSON at line 1");
        assertThat(refused("{\"w\": {}} trailing", 0)).hasMessageContaining("is not valid JSON");
        assertThat(refused("[1, 2]", 0)).hasMessageContaining("must begin with '{'");
    }

    @Test
    void invalidUtf8IsRefused() throws IOException {
        byte[] header = "{\"w\u00ff\":{}}".getBytes(StandardCharsets.ISO_8859_1);
        Path file = RawFiles.write(dir.resolve("utf.safetensors"), header.length, header, new byte[0]);
        assertThat(refused(file)).hasMessageContaining("not valid UTF-8");
    }

    @Test
    void aNameTwiceIsRefused() throws IOException {
        String json = "{" + t("w", "F32", "[1]", "[0,4]") + "," + t("w", "F32", "[1]", "[4,8]") + "}";
        assertThat(refused(json, 8)).hasMessageContaining("is not valid JSON").hasMessageContaining("'w'");
    }

    @Test
    void anUnknownDtypeIsRefused() throws IOException {
        assertThat(refused("{" + t("w", "F128", "[1]", "[0,16]") + "}", 16))
                .hasMessageContaining("tensor 'w': has an unknown dtype \"F128\"");
        assertThat(refused("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4))
                .hasMessageContaining("tensor 'w': needs a \"dtype\"");
    }

    @Test
    void badShapesAreRefused() throws IOException {
        assertThat(refused("{" + t("w", "F32", "[2,-1]", "[0,0]") + "}", 0))
                .hasMessageContaining("tensor 'w'").hasMessageContaining("dimension 1 is -1");
        assertThat(refused("{" + t("w", "F32", "[1.5]", "[0,4]") + "}", 4))
                .hasMessageContaining("tensor 'w'").hasMessageContaining("dimension 0 is 1.5");
        assertThat(refused("{" + t("w", "F32", "\"big\"", "[0,4]") + "}", 4))
                .hasMessageContaining("tensor 'w': needs a \"shape\" array");
        assertThat(refused("{" + t("w", "F32", "[4611686018427387904,4]", "[0,0]") + "}", 0))
                .hasMessageContaining("tensor 'w'").hasMessageContaining("more elements than a file can hold");
        assertThat(refused("{" + t("w", "F32", "[99999999999999999999999]", "[0,0]") + "}", 0))
                .hasMessageContaining("tensor 'w'").hasMessageContaining("dimension 0");
    }

    @Test
    void offsetsOutsideTheBufferAreRefused() throws IOException {
        assertThat(refused("{" + t("w", "F32", "[4]", "[0,16]") + "}", 8))
                .hasMessageContaining("tensor 'w': data_offsets [0, 16] reach past the data buffer, which holds 8");
        assertThat(refused("{" + t("w", "F32", "[1]", "[-4,0]") + "}", 8))
                .hasMessageContaining("tensor 'w': needs \"data_offsets\"");
        assertThat(refused("{" + t("w", "F32", "[1]", "[8,4]") + "}", 8))
                .hasMessageContaining("tensor 'w': data_offsets [8, 4] end before they begin");
        assertThat(refused("{" + t("w", "F32", "[1]", "[0]") + "}", 4))
                .hasMessageContaining("tensor 'w': needs \"data_offsets\"");
    }

    @Test
    void offsetsThatDoNotMatchTheShapeAreRefused() throws IOException {
        assertThat(refused("{" + t("w", "F32", "[2,3]", "[0,12]") + "}", 12)).hasMessageContaining(
                "tensor 'w': data_offsets [0, 12] hold 12 bytes but shape [2, 3] of F32 needs 24");
    }

    @Test
    void overlappingGappedOrShortTilingsAreRefused() throws IOException {
        String overlap = "{" + t("a", "F32", "[2]", "[0,8]") + "," + t("b", "F32", "[2]", "[4,12]") + "}";
        assertThat(refused(overlap, 12)).hasMessageContaining("tensor 'b'").hasMessageContaining("overlap");
        String gap = "{" + t("a", "F32", "[1]", "[0,4]") + "," + t("b", "F32", "[1]", "[8,12]") + "}";
        assertThat(refused(gap, 12)).hasMessageContaining("tensor 'b'").hasMessageContaining("without gaps");
        String trailing = "{" + t("a", "F32", "[1]", "[0,4]") + "}";
        assertThat(refused(trailing, 12)).hasMessageContaining("header: the tensors end at buffer byte 4 but "
                + "the data buffer holds 12 bytes");
    }

    @Test
    void metadataThatIsNotStringsIsRefused() throws IOException {
        assertThat(refused("{\"__metadata__\":{\"format\":\"pt\",\"step\":3}}", 0))
                .hasMessageContaining("__metadata__: the value of 'step' must be a string, found number");
        assertThat(refused("{\"__metadata__\":[\"pt\"]}", 0))
                .hasMessageContaining("__metadata__: must be an object of strings");
        assertThat(refused("{\"w\":[1,2]}", 0)).hasMessageContaining("tensor 'w': must be an object");
    }

    @Test
    void anAcceptedFileStillRefusesUnknownNamesAndWrongBuffers() throws IOException {
        Path file = RawFiles.write(dir.resolve("ok.safetensors"), "{" + t("w", "F32", "[2]", "[0,8]") + "}",
                RawFiles.floats(1, 2));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(catchThrowableOfType(() -> f.readFloats("w", java.nio.FloatBuffer.allocate(1)),
                    IllegalArgumentException.class)).hasMessageContaining("room for 1");
        }
    }
}
