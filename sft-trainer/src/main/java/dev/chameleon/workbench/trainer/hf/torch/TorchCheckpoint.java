package dev.chameleon.workbench.trainer.hf.torch;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A PyTorch checkpoint in torch.save's zip format, read without running any of it.
 *
 * <p>The layout torch.save writes (ARCHIVE is any folder name, usually the file's stem):
 *
 * <pre>
 *   ARCHIVE/data.pkl    the object tree, a pickle; tensors point at storages by key
 *   ARCHIVE/byteorder   "little" (absent in older files, which are little-endian too)
 *   ARCHIVE/data/0      storage "0": raw little-endian elements, stored uncompressed
 *   ARCHIVE/data/1      ...
 *   ARCHIVE/version     the format version
 * </pre>
 *
 * {@link #read(Path)} unpickles data.pkl with {@link SafeUnpickler} (no code, only data and tensors) and keeps the
 * zip open; {@link #floats(TorchTensor)} then reads one tensor's values when asked. A Lightning {@code .ckpt} is
 * the same format with the weights under {@code state_dict}; {@link #stateDict()} finds them in either kind.
 * Close the checkpoint when done.
 */
public final class TorchCheckpoint implements Closeable {

    /** More entries than any checkpoint has (one per storage plus a few). */
    static final int MAX_ENTRIES = 200_000;
    /** data.pkl holds only the structure; tensors live outside it, so a few MB is already large. */
    static final int MAX_PICKLE_BYTES = 64 << 20;
    private static final int CHUNK = 1 << 16;

    private final Path file;
    private final ZipFile zip;
    private final String archive;
    private final Object root;

    private TorchCheckpoint(Path file, ZipFile zip, String archive, Object root) {
        this.file = file;
        this.zip = zip;
        this.archive = archive;
        this.root = root;
    }

    /**
     * Opens a checkpoint and reads its object tree; tensor values stay on disk until {@link #floats} reads them.
     *
     * @throws UnsafePickleException when data.pkl asks for anything but data and tensors
     * @throws IOException           when the file is not a zip-format checkpoint, is damaged or exceeds the limits
     */
    public static TorchCheckpoint read(Path file) throws IOException {
        checkZipMagic(file);
        ZipFile zip = new ZipFile(file.toFile());
        try {
            if (zip.size() > MAX_ENTRIES) {
                throw new IOException(file + ": " + zip.size() + " zip entries, more than the limit of " + MAX_ENTRIES
                        + " for a checkpoint");
            }
            ZipEntry pickle = findDataPkl(file, zip);
            String archive = pickle.getName().substring(0, pickle.getName().indexOf('/'));
            checkByteOrder(file, zip, archive);
            byte[] data;
            try (InputStream in = zip.getInputStream(pickle)) {
                data = in.readNBytes(MAX_PICKLE_BYTES + 1); // never trust the declared size of a compressed entry
            }
            if (data.length > MAX_PICKLE_BYTES) {
                throw new IOException(file + ": " + pickle.getName() + " is larger than the limit of "
                        + (MAX_PICKLE_BYTES >> 20) + " MiB for a checkpoint's structure");
            }
            Object root = SafeUnpickler.load(data, file + " (" + pickle.getName() + ")");
            return new TorchCheckpoint(file, zip, archive, root);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /**
     * The object tree as pickled: {@code Map} for dicts, {@code List} for lists and tuples, {@code String},
     * {@code byte[]}, {@code Long}, {@code Double}, {@code Boolean}, null and {@link TorchTensor} (unnamed).
     */
    public Object root() {
        return root;
    }

    /**
     * The weights by name: the {@code state_dict} entry of a Lightning checkpoint, or the whole tree when it is a
     * plain state dict. Each tensor carries its key as {@link TorchTensor#name()}.
     *
     * @throws IOException when the tree is neither, or a weight is not a tensor
     */
    public Map<String, TorchTensor> stateDict() throws IOException {
        Object tree = root;
        if (root instanceof Map<?, ?> top && top.get("state_dict") instanceof Map<?, ?> inner) {
            tree = inner;
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw new IOException(file + ": holds " + describe(root) + ", not a state dict (a dict of names to"
                    + " tensors, or a Lightning checkpoint with a 'state_dict' entry)");
        }
        Map<String, TorchTensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof TorchTensor t)) {
                throw new IOException(file + ": state dict entry '" + e.getKey() + "' holds " + describe(e.getValue())
                        + ", not a tensor; top-level keys are " + keys(root));
            }
            out.put(name, t.withName(name));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Reads one tensor's values in row-major order, converted to float. Reads only the tensor's own bytes.
     *
     * @throws IOException when the dtype is not a float type (F32, F16, BF16, F64), the tensor is not contiguous,
     *                     it has more than 2^31 - 1 elements, or its storage entry is missing or short
     */
    public float[] floats(TorchTensor t) throws IOException {
        String what = file + ": tensor " + (t.name() == null ? "" : "'" + t.name() + "' ") + t.dtype()
                + Arrays.toString(t.shape());
        if (t.dtype() != TorchDtype.F32 && t.dtype() != TorchDtype.F16 && t.dtype() != TorchDtype.BF16
                && t.dtype() != TorchDtype.F64) {
            throw new IOException(what + ": only F32, F16, BF16 and F64 tensors are read as floats");
        }
        if (!t.isContiguous()) {
            throw new IOException(what + " has stride " + Arrays.toString(t.stride()) + " and is not contiguous;"
                    + " save it with .contiguous() (a transposed or sliced view keeps its base's layout)");
        }
        long count = t.numel();
        if (count > Integer.MAX_VALUE - 8) {
            throw new IOException(what + " has " + count + " elements, more than one Java array holds");
        }
        int size = t.dtype().elementSize();
        String entryName = archive + "/data/" + t.storageKey();
        ZipEntry entry = zip.getEntry(entryName);
        if (entry == null) {
            throw new IOException(what + ": its storage " + entryName + " is missing from the zip");
        }
        long needed;
        long skip;
        try {
            needed = Math.multiplyExact(t.storageNumel(), size);
            skip = Math.multiplyExact(t.storageOffset(), size);
        } catch (ArithmeticException e) {
            throw new IOException(what + ": its storage size or offset overflows 64 bits");
        }
        if (entry.getSize() >= 0 && entry.getSize() < needed) {
            throw new IOException(what + ": " + entryName + " holds " + entry.getSize() + " bytes, the storage needs "
                    + needed);
        }
        float[] out = new float[(int) count];
        try (InputStream in = zip.getInputStream(entry)) {
            in.skipNBytes(skip);
            byte[] buf = new byte[CHUNK - CHUNK % size];
            int done = 0;
            while (done < out.length) {
                int n = (int) Math.min(buf.length, (long) (out.length - done) * size);
                if (in.readNBytes(buf, 0, n) != n) {
                    throw new EOFException(what + ": " + entryName + " ends early");
                }
                decode(t.dtype(), buf, n / size, out, done);
                done += n / size;
            }
        } catch (EOFException e) {
            throw new IOException(what + ": " + entryName + " ends before the tensor's last element", e);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    private static void decode(TorchDtype dtype, byte[] b, int n, float[] out, int at) {
        for (int i = 0; i < n; i++) {
            out[at + i] = switch (dtype) {
                case F32 -> Float.intBitsToFloat(le(b, i * 4, 4));
                case F16 -> halfToFloat(le(b, i * 2, 2));
                case BF16 -> Float.intBitsToFloat(le(b, i * 2, 2) << 16);
                case F64 -> (float) Double.longBitsToDouble(
                        (le(b, i * 8, 4) & 0xffff_ffffL) | (long) le(b, i * 8 + 4, 4) << 32);
                default -> throw new AssertionError(dtype);
            };
        }
    }

    private static int le(byte[] b, int at, int n) {
        int v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[at + i] & 0xff);
        }
        return v;
    }

    /** IEEE 754 binary16 to float (Float.float16ToFloat arrives only in Java 20). */
    static float halfToFloat(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f80_0000 | mant << 13); // inf, NaN
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f; // zero or subnormal
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | (exp + 112) << 23 | mant << 13);
    }

    private static void checkZipMagic(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        }
        if (head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return;
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x80) {
            throw new IOException(file + ": a checkpoint in torch.save's legacy format (before PyTorch 1.6), which"
                    + " is not read; re-save it with a current torch.save to get the zip format");
        }
        throw new IOException(file + ": not a zip-format PyTorch checkpoint (no zip header)");
    }

    private static ZipEntry findDataPkl(Path file, ZipFile zip) throws IOException {
        List<ZipEntry> found = new ArrayList<>();
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            String name = e.getName();
            int slash = name.indexOf('/');
            if (slash > 0 && name.indexOf('/', slash + 1) < 0 && name.endsWith("/data.pkl")) {
                found.add(e);
            }
        }
        if (found.size() != 1) {
            throw new IOException(file + ": expected one ARCHIVE/data.pkl entry as torch.save writes, found "
                    + found.size());
        }
        return found.get(0);
    }

    private static void checkByteOrder(Path file, ZipFile zip, String archive) throws IOException {
        ZipEntry e = zip.getEntry(archive + "/byteorder");
        if (e == null) {
            return;
        }
        String order;
        try (InputStream in = zip.getInputStream(e)) {
            order = new String(in.readNBytes(16), StandardCharsets.US_ASCII).strip();
        }
        if (!order.equals("little")) {
            throw new IOException(file + ": byte order '" + order + "'; only little-endian checkpoints are read");
        }
    }

    private static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Map) {
            return "a dict";
        }
        if (o instanceof List) {
            return "a list";
        }
        return o instanceof TorchTensor ? "a tensor" : "a " + o.getClass().getSimpleName();
    }

    private static String keys(Object root) {
        if (!(root instanceof Map<?, ?> m)) {
            return "(none)";
        }
        List<String> names = new ArrayList<>();
        for (Object k : m.keySet()) {
            names.add(String.valueOf(k));
            if (names.size() == 20) {
                names.add("...");
                break;
            }
        }
        return names.toString();
    }
}
