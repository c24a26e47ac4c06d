package dev.chameleon.workbench.trainer.hf.safetensors;

import static dev.chameleon.workbench.trainer.hf.safetensors.InvalidSafetensorsException.tensorPart;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chameleon.workbench.trainer.hf.json.StrictJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and checked header of a safetensors file. The file is
 * <pre>
 *   [8 bytes: N, little-endian u64][N bytes: UTF-8 JSON, maybe padded with spaces][data buffer]
 *   {"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, ..., "__metadata__": {"format": "pt"}}
 * </pre>
 * with offsets counted from the start of the data buffer. As the reference implementation does, the tensors must
 * tile the buffer exactly: sorted by offset, each begins where the previous ended, and the last ends at the end
 * of the file, so no two overlap and no byte is unaccounted for.
 */
record Header(Map<String, TensorInfo> tensors, Map<String, String> metadata) {

    /** Headers larger than this are refused before anything is allocated (the reference reader's limit). */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    static final String METADATA_KEY = "__metadata__";

    static Header read(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw new InvalidSafetensorsException(file, "header", "the file has " + size
                    + " bytes, fewer than the 8 that give the header's length; it is not a safetensors file");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long n = lengthBytes.getLong(0);
        if (n < 2 || n > MAX_HEADER_BYTES) {
            throw new InvalidSafetensorsException(file, "header", "its length field says " + Long.toUnsignedString(n)
                    + " bytes; a header has 2 to " + MAX_HEADER_BYTES + " bytes, so this is not a safetensors file");
        }
        if (n > size - 8) {
            throw new InvalidSafetensorsException(file, "header", "its length field says " + n
                    + " bytes but only " + (size - 8) + " follow; the file is truncated or not a safetensors file");
        }
        ByteBuffer json = ByteBuffer.allocate((int) n);
        readFully(channel, json, 8);
        byte[] bytes = json.array();
        if (bytes[0] != '{') {
            throw new InvalidSafetensorsException(file, "header", "must begin with '{'");
        }
        long dataStart = 8 + n;
        return parse(file, Header.json(bytes, file, "header"), dataStart, size - dataStart);
    }

    private static Header parse(Path file, JsonNode root, long dataStart, long bufferLength)
            throws InvalidSafetensorsException {
        Map<String, String> metadata = Map.of();
        List<TensorInfo> infos = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals(METADATA_KEY)) {
                metadata = metadata(file, e.getValue());
            } else {
                infos.add(tensorInfo(file, e.getKey(), e.getValue(), dataStart, bufferLength));
            }
        }
        infos.sort(Comparator.comparingLong(TensorInfo::byteOffset).thenComparingLong(TensorInfo::byteLength));
        long expected = dataStart;
        for (TensorInfo t : infos) {
            if (t.byteOffset() != expected) {
                long begin = t.byteOffset() - dataStart;
                throw new InvalidSafetensorsException(file, tensorPart(t.name()), begin < expected - dataStart
                        ? "its data_offsets begin at " + begin + ", inside the bytes of another tensor (which end at "
                                + (expected - dataStart) + "); tensors must not overlap"
                        : "its data_offsets begin at " + begin + " but the previous tensor ends at "
                                + (expected - dataStart) + "; tensors must follow each other without gaps");
            }
            expected += t.byteLength();
        }
        if (expected != dataStart + bufferLength) {
            throw new InvalidSafetensorsException(file, "header", "the tensors end at buffer byte "
                    + (expected - dataStart) + " but the data buffer holds " + bufferLength
                    + " bytes; the file has bytes no tensor accounts for");
        }
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        for (TensorInfo t : infos) {
            byName.put(t.name(), t);
        }
        return new Header(Collections.unmodifiableMap(byName), metadata);
    }

    private static Map<String, String> metadata(Path file, JsonNode node) throws InvalidSafetensorsException {
        if (!node.isObject()) {
            throw new InvalidSafetensorsException(file, METADATA_KEY, "must be an object of strings, found "
                    + node.getNodeType().toString().toLowerCase());
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new InvalidSafetensorsException(file, METADATA_KEY, "the value of '" + e.getKey()
                        + "' must be a string, found " + e.getValue().getNodeType().toString().toLowerCase());
            }
            m.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(m);
    }

    private static TensorInfo tensorInfo(Path file, String name, JsonNode node, long dataStart, long bufferLength)
            throws InvalidSafetensorsException {
        String part = tensorPart(name);
        if (!node.isObject()) {
            throw new InvalidSafetensorsException(file, part, "must be an object with dtype, shape and data_offsets");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new InvalidSafetensorsException(file, part, "needs a \"dtype\" string such as \"F32\"");
        }
        Dtype dtype = Dtype.byName(dtypeNode.textValue());
        if (dtype == null) {
            throw new InvalidSafetensorsException(file, part, "has an unknown dtype \"" + dtypeNode.textValue()
                    + "\"; known: " + Arrays.toString(Dtype.values()));
        }
        long[] shape = shape(file, part, node.get("shape"));
        long bytes;
        try {
            long count = 1;
            for (long d : shape) {
                count = Math.multiplyExact(count, d);
            }
            bytes = Math.multiplyExact(count, (long) dtype.bytes());
        } catch (ArithmeticException e) {
            throw new InvalidSafetensorsException(file, part, "shape " + Arrays.toString(shape)
                    + " has more elements than a file can hold");
        }
        JsonNode offsets = node.get("data_offsets");
        long begin = offsets != null && offsets.isArray() && offsets.size() == 2
                ? StrictJson.nonNegativeLong(offsets.get(0)) : -1;
        long end = begin >= 0 ? StrictJson.nonNegativeLong(offsets.get(1)) : -1;
        if (begin < 0 || end < 0) {
            throw new InvalidSafetensorsException(file, part, "needs \"data_offsets\": [begin, end], two whole "
                    + "numbers from 0, found " + offsets);
        }
        if (end < begin) {
            throw new InvalidSafetensorsException(file, part, "data_offsets [" + begin + ", " + end
                    + "] end before they begin");
        }
        if (end > bufferLength) {
            throw new InvalidSafetensorsException(file, part, "data_offsets [" + begin + ", " + end
                    + "] reach past the data buffer, which holds " + bufferLength + " bytes");
        }
        if (end - begin != bytes) {
            throw new InvalidSafetensorsException(file, part, "data_offsets [" + begin + ", " + end + "] hold "
                    + (end - begin) + " bytes but shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + bytes);
        }
        return new TensorInfo(name, dtype, shape, dataStart + begin, bytes);
    }

    private static long[] shape(Path file, String part, JsonNode node) throws InvalidSafetensorsException {
        if (node == null || !node.isArray()) {
            throw new InvalidSafetensorsException(file, part, "needs a \"shape\" array such as [4096, 4096]");
        }
        long[] shape = new long[node.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = StrictJson.nonNegativeLong(node.get(i));
            if (shape[i] < 0) {
                throw new InvalidSafetensorsException(file, part, "shape " + node
                        + " must hold whole numbers from 0; dimension " + i + " is " + node.get(i));
            }
        }
        return shape;
    }

    static void readFully(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        while (dst.hasRemaining()) {
            int read = channel.read(dst, position);
            if (read < 0) {
                throw new IOException("unexpected end of file at byte " + position);
            }
            position += read;
        }
    }

    /** The JSON object in {@code bytes}, refused with the file and the part it was read for. */
    static JsonNode json(byte[] bytes, Path file, String part) throws InvalidSafetensorsException {
        try {
            return StrictJson.parseObject(bytes);
        } catch (StrictJson.Invalid e) {
            throw new InvalidSafetensorsException(file, part, e.getMessage());
        }
    }
}
