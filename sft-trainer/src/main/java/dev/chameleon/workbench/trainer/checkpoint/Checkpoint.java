package dev.chameleon.workbench.trainer.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one writer and reader of a checkpoint folder, {@code RUN/checkpoints/step-NNNNNNNN/}:
 *
 * <pre>
 * RUN/checkpoints/step-00000200/
 *   model.bin        int count, then per parameter: UTF name, int n, n float32 (big-endian)
 *   optimizer.bin    the optimizer's own state (AdamW: long t, int count, per parameter name, m, v)
 *   provenance.json  what made it: snapshot hash, resolved config, tokenizer hashes, versions, seed, step
 * </pre>
 *
 * <p>Atomic: everything is written and fsynced in {@code .tmp-step-N}, then the folder is renamed into place, so
 * a crash mid-write leaves the last good checkpoint as it was and at worst a {@code .tmp-*} folder, which
 * {@link #removeUnfinished} deletes. Only folders named {@code step-*} count as checkpoints
 * ({@link CheckpointInfo} lists them).
 */
public final class Checkpoint {

    /** The model's parameters. */
    public static final String MODEL = "model.bin";
    /** The optimizer's state, for resuming. */
    public static final String OPTIMIZER = "optimizer.bin";
    /** What made the checkpoint (JSON). */
    public static final String PROVENANCE = "provenance.json";
    /** The folder of a run that holds its checkpoints. */
    public static final String FOLDER = "checkpoints";

    static final String PREFIX = "step-";
    static final String UNFINISHED = ".tmp-";

    /** Writes one part of a checkpoint (the optimizer's state). */
    public interface StateWriter {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads back what a {@link StateWriter} wrote. */
    public interface StateReader {
        void read(DataInputStream in) throws IOException;
    }

    private Checkpoint() {
    }

    /** {@code RUN/checkpoints}. */
    public static Path folder(Path runDir) {
        return runDir.resolve(FOLDER);
    }

    /** The step a checkpoint folder ({@code step-N}) holds. */
    public static long step(Path checkpoint) {
        return Long.parseLong(checkpoint.getFileName().toString().substring(PREFIX.length()));
    }

    static boolean isCheckpointName(String name) {
        return name.matches("step-\\d+");
    }

    /**
     * Writes the checkpoint of {@code step} into {@code RUN/checkpoints/} atomically, then deletes the oldest until
     * {@code keepLast} remain; returns its folder.
     */
    public static Path write(Path runDir, long step, PairList<String, Parameter> params, StateWriter optimizer,
            String provenanceJson, int keepLast) throws IOException {
        Path dir = folder(runDir);
        Files.createDirectories(dir);
        String name = String.format(PREFIX + "%08d", step);
        Path tmp = dir.resolve(UNFINISHED + name);
        deleteTree(tmp);
        Files.createDirectories(tmp);
        writeSynced(tmp.resolve(MODEL), out -> writeParameters(params, out));
        writeSynced(tmp.resolve(OPTIMIZER), optimizer);
        writeSynced(tmp.resolve(PROVENANCE), out -> out.write(provenanceJson.getBytes(StandardCharsets.UTF_8)));
        fsync(tmp);
        Path target = dir.resolve(name);
        deleteTree(target);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        fsync(dir);
        List<CheckpointInfo> all = CheckpointInfo.ofRun(runDir);
        for (int i = 0; i < all.size() - keepLast; i++) {
            deleteTree(all.get(i).dir());
        }
        return target;
    }

    /**
     * Reads {@code model.bin} into {@code params}, which must be the parameters of the model config the checkpoint
     * was written with (same names, order and sizes).
     */
    public static void readModel(Path checkpoint, PairList<String, Parameter> params) throws IOException {
        Path file = checkpoint.resolve(MODEL);
        try (DataInputStream in = open(file)) {
            int n = in.readInt();
            if (n != params.size()) {
                throw new IOException(file + " holds " + n + " parameters but the model has " + params.size()
                        + "; use the model config the checkpoint was written with (its provenance's resolved_config)");
            }
            WeightCopy copy = WeightCopy.forLargestOf(params);
            for (Pair<String, Parameter> p : params) {
                String name = in.readUTF();
                if (!name.equals(p.getKey())) {
                    throw new IOException(file + ": parameter " + name + " where the model has " + p.getKey()
                            + "; use the model config the checkpoint was written with");
                }
                readArray(in, p.getValue().getArray(), copy);
            }
        }
    }

    /**
     * Reads a partial {@code model.bin} (the parameters a LoRA or image-head run trained) into the parameters of
     * {@code params} with the same names, whatever their order; every saved name must be one of them.
     *
     * @return how many parameters were read
     */
    public static int readNamed(Path checkpoint, PairList<String, Parameter> params) throws IOException {
        Path file = checkpoint.resolve(MODEL);
        WeightCopy copy = WeightCopy.forLargestOf(params);
        try (DataInputStream in = open(file)) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                Parameter p = params.get(name);
                if (p == null) {
                    throw new IOException(file + ": parameter " + name + " is not in the model; load it into the model"
                            + " (and LoRA settings) the checkpoint's provenance records");
                }
                readArray(in, p.getArray(), copy);
            }
            return n;
        }
    }

    /** Reads {@code optimizer.bin} with {@code optimizer}. */
    public static void readOptimizer(Path checkpoint, StateReader optimizer) throws IOException {
        try (DataInputStream in = open(checkpoint.resolve(OPTIMIZER))) {
            optimizer.read(in);
        }
    }

    /** The text of {@code provenance.json}. */
    public static String readProvenance(Path checkpoint) throws IOException {
        return Files.readString(checkpoint.resolve(PROVENANCE), StandardCharsets.UTF_8);
    }

    /** Writes a float32 array as (count, floats): the array format of every checkpoint file. */
    public static void writeArray(DataOutputStream out, NDArray a) throws IOException {
        float[] f = a.toFloatArray();
        out.writeInt(f.length);
        ByteBuffer b = ByteBuffer.allocate(f.length * 4);
        b.asFloatBuffer().put(f);
        out.write(b.array());
    }

    /** Reads what {@link #writeArray} wrote into an existing array of the same size. */
    public static void readArray(DataInputStream in, NDArray into) throws IOException {
        WeightCopy copy = new WeightCopy(into.size());
        readArray(in, into, copy);
    }

    /** As {@link #readArray(DataInputStream, NDArray)}, staging through {@code copy} (see {@link WeightCopy}). */
    public static void readArray(DataInputStream in, NDArray into, WeightCopy copy) throws IOException {
        int n = in.readInt();
        if (n != into.size()) {
            throw new IOException("saved array has " + n + " elements, expected " + into.size()
                    + " (" + into.getShape() + "); the checkpoint belongs to another model shape");
        }
        FloatBuffer staged = copy.floats();
        byte[] chunk = new byte[1 << 16];
        ByteBuffer big = ByteBuffer.wrap(chunk);                                // big-endian, as written
        int left = n;
        while (left > 0) {
            int floats = Math.min(left, chunk.length / 4);
            in.readFully(chunk, 0, floats * 4);
            big.clear().limit(floats * 4);
            staged.put(big.asFloatBuffer());
            left -= floats;
        }
        copy.assign(into);
    }

    /** Deletes {@code .tmp-*} folders a crashed write left in {@code RUN/checkpoints}. */
    public static void removeUnfinished(Path runDir) throws IOException {
        Path dir = folder(runDir);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(UNFINISHED)).toList()) {
                deleteTree(p);
            }
        }
    }

    /** Deletes a folder and everything in it; nothing when it does not exist. */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }

    private static void writeParameters(PairList<String, Parameter> params, DataOutputStream out) throws IOException {
        out.writeInt(params.size());
        for (Pair<String, Parameter> p : params) {
            out.writeUTF(p.getKey());
            writeArray(out, p.getValue().getArray());
        }
    }

    private static void writeSynced(Path file, StateWriter w) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16));
            w.write(out);
            out.flush();
            ch.force(true);
        }
    }

    private static void fsync(Path folder) {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some file systems cannot sync a directory; the rename itself is still atomic.
        }
    }
}
