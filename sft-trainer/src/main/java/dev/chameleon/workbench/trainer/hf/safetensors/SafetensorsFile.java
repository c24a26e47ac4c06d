package dev.chameleon.workbench.trainer.hf.safetensors;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One safetensors file, opened for reading tensor by tensor. {@link #open} reads and checks only the header;
 * tensor bytes are memory-mapped when asked for, each tensor's own range, so files of any size open (a
 * {@code MappedByteBuffer} spans at most 2 GiB, and DJL's reader, which loads the whole file into one array,
 * stops there: see docs/platform.md#safetensors-files-over-2-gib). {@link #readFloats(String)} converts F32, F16
 * and BF16 exactly, mapping a large tensor in windows of 1 GiB and releasing each at once.
 * {@link #readRaw(String)} returns the mapped bytes themselves, at most 2 GiB.
 *
 * <p>Usage: {@code try (SafetensorsFile f = SafetensorsFile.open(path)) { float[] w = f.readFloats("w"); }}. Safe
 * to read from several threads.
 */
public final class SafetensorsFile implements Closeable {

    /** The default window for reading a tensor: 1 GiB, a multiple of every element size. */
    static final long WINDOW_BYTES = 1L << 30;

    /** Floats converted per step from F16 or BF16. */
    private static final int CHUNK = 1 << 14;

    private final Path path;
    private final FileChannel channel;
    private final Header header;
    private final long windowBytes;

    private SafetensorsFile(Path path, FileChannel channel, Header header, long windowBytes) {
        this.path = path;
        this.channel = channel;
        this.header = header;
        this.windowBytes = windowBytes;
    }

    /**
     * Opens {@code path} and checks its header.
     *
     * @throws InvalidSafetensorsException when the file breaks the format; the message names the file, the tensor
     *                                     or header, and the fault
     */
    public static SafetensorsFile open(Path path) throws IOException {
        return open(path, WINDOW_BYTES);
    }

    static SafetensorsFile open(Path path, long windowBytes) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new SafetensorsFile(path, channel, Header.read(path, channel), windowBytes);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** Every tensor, in the order of their bytes in the file. */
    public List<TensorInfo> tensors() {
        return List.copyOf(header.tensors().values());
    }

    /** The tensor names, in the order of their bytes in the file. */
    public Set<String> names() {
        return header.tensors().keySet();
    }

    public boolean contains(String name) {
        return header.tensors().containsKey(name);
    }

    /** The named tensor's header entry; throws IllegalArgumentException naming the file when it has none. */
    public TensorInfo tensor(String name) {
        TensorInfo t = header.tensors().get(name);
        if (t == null) {
            throw new IllegalArgumentException(path + " has no tensor '" + name + "' (it has "
                    + header.tensors().size() + " tensors)");
        }
        return t;
    }

    /** The header's {@code __metadata__} (e.g. format=pt); empty when it has none. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** The named tensor as floats, in row-major order. */
    public float[] readFloats(String name) throws IOException {
        TensorInfo t = floatTensor(name);
        long count = t.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(path + ": tensor '" + name + "' has " + count
                    + " elements, more than a Java array holds; read it with readFloats(name, FloatBuffer)");
        }
        float[] out = new float[(int) count];
        readFloats(t, FloatBuffer.wrap(out));
        return out;
    }

    /**
     * Writes the named tensor's values, converted to float, into {@code dst} from its position on, and advances
     * the position by the element count. {@code dst} may be a direct buffer (native memory) of any size.
     */
    public void readFloats(String name, FloatBuffer dst) throws IOException {
        TensorInfo t = floatTensor(name);
        if (dst.remaining() < t.elementCount()) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + t.elementCount()
                    + " elements but the buffer has room for " + dst.remaining());
        }
        readFloats(t, dst);
    }

    /**
     * The named tensor's bytes, memory-mapped, read-only and little-endian. The buffer stays valid after
     * {@link #close()}, until it is no longer referenced. Tensors over 2 GiB are refused: read those with
     * {@link #readFloats(String, FloatBuffer)}.
     */
    public ByteBuffer readRaw(String name) throws IOException {
        TensorInfo t = tensor(name);
        if (t.byteLength() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(path + ": tensor '" + name + "' has " + t.byteLength()
                    + " bytes; readRaw maps at most 2 GiB at once, so read it with readFloats(name, FloatBuffer)");
        }
        return map(t.byteOffset(), t.byteLength()).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Closes the file. Buffers from {@link #readRaw} stay readable until unreferenced. */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    private TensorInfo floatTensor(String name) {
        TensorInfo t = tensor(name);
        if (!t.dtype().isFloat()) {
            throw new IllegalArgumentException(path + ": tensor '" + name + "' has dtype " + t.dtype()
                    + "; readFloats converts F32, F16 and BF16 only (readRaw gives the bytes)");
        }
        return t;
    }

    private void readFloats(TensorInfo t, FloatBuffer dst) throws IOException {
        long done = 0;
        while (done < t.byteLength()) {
            long length = Math.min(windowBytes, t.byteLength() - done);
            MappedByteBuffer window = map(t.byteOffset() + done, length);
            try {
                ByteBuffer le = window.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                switch (t.dtype()) {
                    case F32 -> dst.put(le.asFloatBuffer());
                    case F16 -> widen(le.asShortBuffer(), dst, false);
                    case BF16 -> widen(le.asShortBuffer(), dst, true);
                    default -> throw new IllegalStateException("not a float type: " + t.dtype());
                }
            } finally {
                Unmapper.unmap(window);
            }
            done += length;
        }
    }

    private static void widen(ShortBuffer src, FloatBuffer dst, boolean bf16) {
        short[] in = new short[Math.min(CHUNK, src.remaining())];
        float[] out = new float[in.length];
        while (src.hasRemaining()) {
            int n = Math.min(in.length, src.remaining());
            src.get(in, 0, n);
            for (int i = 0; i < n; i++) {
                out[i] = bf16 ? HalfFloats.bf16ToFloat(in[i]) : HalfFloats.f16ToFloat(in[i]);
            }
            dst.put(out, 0, n);
        }
    }

    private MappedByteBuffer map(long position, long length) throws IOException {
        if (!channel.isOpen()) {
            throw new IllegalStateException(path + " is closed");
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, position, length);
    }
}
