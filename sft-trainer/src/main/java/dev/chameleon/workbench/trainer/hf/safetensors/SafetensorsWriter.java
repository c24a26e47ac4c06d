package dev.chameleon.workbench.trainer.hf.safetensors;

import dev.chameleon.workbench.trainer.hf.json.StrictJson;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Writes one safetensors file: tensors of F32, F16 or BF16 from floats (narrowed with round to nearest even) and
 * a {@code __metadata__} map. The file is the same for the same input: metadata first, then tensors ordered by
 * element size, largest first, then by name (as the reference implementation orders them, so each tensor's
 * bytes start aligned to its element size), with the header padded with spaces to a multiple of 8 bytes. It is
 * written to a temporary file beside the target and moved into place, so a reader never sees half a file.
 *
 * <p>Usage: {@code new SafetensorsWriter().metadata("format", "pt").add("w", Dtype.BF16, new long[] {2, 3},
 * values).write(path)}.
 */
public final class SafetensorsWriter {

    /** One tensor to be written. */
    record Entry(String name, Dtype dtype, long[] shape, long elementCount, FloatSource source) {
        long byteLength() {
            return elementCount * dtype.bytes();
        }
    }

    static final Comparator<Entry> ORDER = Comparator.comparingInt((Entry e) -> -e.dtype().bytes())
            .thenComparing(Entry::name);

    private static final int BUFFER_BYTES = 1 << 20;

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** Adds one {@code __metadata__} entry, e.g. ("format", "pt"). */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
        return this;
    }

    /**
     * Adds a tensor held in memory; {@code values} must hold exactly the shape's element count. The array is read
     * when the file is written, not copied now.
     */
    public SafetensorsWriter add(String name, Dtype dtype, long[] shape, float[] values) {
        Entry e = entry(name, dtype, shape, sink -> sink.put(values, 0, values.length));
        if (values.length != e.elementCount()) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " holds "
                    + e.elementCount() + " values, given " + values.length);
        }
        entries.put(name, e);
        return this;
    }

    /** Adds a tensor whose values {@code source} produces when the writer reaches it. */
    public SafetensorsWriter add(String name, Dtype dtype, long[] shape, FloatSource source) {
        entries.put(name, entry(name, dtype, shape, source));
        return this;
    }

    /** Writes the file atomically, replacing {@code path} if it exists; returns {@code path}. */
    public Path write(Path path) throws IOException {
        write(path, metadata, new ArrayList<>(entries.values()));
        return path;
    }

    List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    Map<String, String> metadataMap() {
        return metadata;
    }

    private Entry entry(String name, Dtype dtype, long[] shape, FloatSource source) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        if (name.equals(Header.METADATA_KEY)) {
            throw new IllegalArgumentException("'" + Header.METADATA_KEY + "' is reserved for the metadata");
        }
        if (entries.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' is added twice");
        }
        if (!dtype.isFloat()) {
            throw new IllegalArgumentException("tensor '" + name + "': the writer writes F32, F16 and BF16, not "
                    + dtype);
        }
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                        + " has a negative dimension");
            }
            count = Math.multiplyExact(count, d);
        }
        Math.multiplyExact(count, (long) dtype.bytes());
        return new Entry(name, dtype, shape.clone(), count, source);
    }

    static void write(Path path, Map<String, String> metadata, List<Entry> tensors) throws IOException {
        tensors.sort(ORDER);
        byte[] header = header(metadata, tensors);
        if (header.length > Header.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException(path + ": the header would have " + header.length
                    + " bytes, more than readers accept (" + Header.MAX_HEADER_BYTES + "); split into shards");
        }
        Path tmp = tempBeside(path);
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                buf.putLong(header.length);
                Sink sink = new Sink(out, buf);
                sink.putBytes(header);
                for (Entry e : tensors) {
                    sink.start(e);
                    e.source().writeTo(sink);
                    sink.finish();
                }
                sink.flush();
                out.force(true);
            }
            moveIntoPlace(tmp, path);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes {@code bytes} to {@code path} through a temporary file beside it. */
    static void writeAtomically(Path path, byte[] bytes) throws IOException {
        Path tmp = tempBeside(path);
        try {
            Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW);
            moveIntoPlace(tmp, path);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * A fresh name beside {@code path}, in the same folder so the move is a rename. Not Files.createTempFile: its
     * file is readable by the owner only, and the permissions travel with the move.
     */
    private static Path tempBeside(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        return dir.resolve(path.getFileName() + "." + UUID.randomUUID() + ".tmp");
    }

    private static void moveIntoPlace(Path tmp, Path path) throws IOException {
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The header JSON, padded with spaces so that 8 + its length is a multiple of 8. */
    private static byte[] header(Map<String, String> metadata, List<Entry> tensors) {
        ObjectNode root = StrictJson.MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = root.putObject(Header.METADATA_KEY);
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Entry e : tensors) {
            ObjectNode t = root.putObject(e.name());
            t.put("dtype", e.dtype().name());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.shape()) {
                shape.add(d);
            }
            t.putArray("data_offsets").add(offset).add(offset + e.byteLength());
            offset += e.byteLength();
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** Converts floats into the output buffer, counting them against the tensor being written. */
    private static final class Sink implements FloatSource.Sink {
        private final FileChannel out;
        private final ByteBuffer buf;
        private Entry current;
        private long written;

        Sink(FileChannel out, ByteBuffer buf) {
            this.out = out;
            this.buf = buf;
        }

        void start(Entry e) {
            current = e;
            written = 0;
        }

        void finish() {
            if (written != current.elementCount()) {
                throw new IllegalStateException("tensor '" + current.name() + "': its source gave " + written
                        + " values, the shape " + Arrays.toString(current.shape()) + " needs "
                        + current.elementCount() + "; nothing was written");
            }
            current = null;
        }

        @Override
        public void put(float[] values, int offset, int length) throws IOException {
            if (current == null) {
                throw new IllegalStateException("values given outside the writer's call to the source");
            }
            Objects.checkFromIndexSize(offset, length, values.length);
            if (written + length > current.elementCount()) {
                throw new IllegalStateException("tensor '" + current.name() + "': its source gave more than the "
                        + current.elementCount() + " values the shape " + Arrays.toString(current.shape())
                        + " needs; nothing was written");
            }
            Dtype dtype = current.dtype();
            for (int i = offset; i < offset + length; i++) {
                if (buf.remaining() < 4) {
                    flush();
                }
                switch (dtype) {
                    case F32 -> buf.putFloat(values[i]);
                    case F16 -> buf.putShort(HalfFloats.floatToF16(values[i]));
                    case BF16 -> buf.putShort(HalfFloats.floatToBf16(values[i]));
                    default -> throw new IllegalStateException("not a float type: " + dtype);
                }
            }
            written += length;
        }

        void putBytes(byte[] bytes) throws IOException {
            int at = 0;
            while (at < bytes.length) {
                if (!buf.hasRemaining()) {
                    flush();
                }
                int n = Math.min(buf.remaining(), bytes.length - at);
                buf.put(bytes, at, n);
                at += n;
            }
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            buf.clear();
        }
    }
}
