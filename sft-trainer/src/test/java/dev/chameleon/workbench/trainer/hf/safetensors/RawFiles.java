package dev.chameleon.workbench.trainer.hf.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes safetensors files byte by byte, so tests can hand the reader headers no writer would produce. */
final class RawFiles {

    private RawFiles() {
    }

    /** The length field, {@code json} (UTF-8, unpadded) and {@code buffer}. */
    static Path write(Path file, String json, byte[] buffer) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return write(file, header.length, header, buffer);
    }

    /** A length field that may lie about the header that follows. */
    static Path write(Path file, long lengthField, byte[] header, byte[] buffer) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + buffer.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(lengthField).put(header).put(buffer);
        return Files.write(file, b.array());
    }

    /** Little-endian bytes of the given values. */
    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
