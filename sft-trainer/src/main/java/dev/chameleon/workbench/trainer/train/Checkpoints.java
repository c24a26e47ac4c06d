package dev.chameleon.workbench.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Checkpoints under {@code OUT/checkpoints/step-NNNNNNNN/}: {@code model.bin} (parameters), {@code optimizer.bin}
 * (AdamW moments and step count) and {@code provenance.json}.
 *
 * <p>Atomic: everything is written and fsynced in {@code .tmp-step-N}, then the folder is renamed into place, so
 * a crash mid-write leaves the last good checkpoint as it was and at worst a {@code .tmp-*} folder, which the
 * next run deletes. Only folders named {@code step-*} count as checkpoints. After each write the oldest are
 * deleted until {@code keepLast} remain.
 */
public final class Checkpoints {

    static final String MODEL = "model.bin";
    static final String OPTIMIZER = "optimizer.bin";
    static final String PROVENANCE = "provenance.json";

    private final Path dir;
    private final int keepLast;

    public Checkpoints(Path outDir, int keepLast) {
        this.dir = outDir.resolve("checkpoints");
        this.keepLast = keepLast;
    }

    public Path dir() {
        return dir;
    }

    /** Checkpoint folders, oldest first. */
    public List<Path> list() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("step-\\d+") && Files.isDirectory(p))
                    .sorted(Comparator.comparingLong(Checkpoints::step)).toList();
        }
    }

    /** The newest checkpoint, if any. */
    public Optional<Path> latest() throws IOException {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The step a checkpoint folder holds. */
    public static long step(Path checkpoint) {
        return Long.parseLong(checkpoint.getFileName().toString().substring("step-".length()));
    }

    /** Deletes {@code .tmp-*} folders a crashed write left behind. */
    public void removeUnfinished() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()) {
                deleteTree(p);
            }
        }
    }

    /** Writes a checkpoint for {@code step} atomically, then prunes to keep-last-N; returns its folder. */
    public Path write(long step, PairList<String, Parameter> params, AdamW optimizer, String provenanceJson)
            throws IOException {
        Files.createDirectories(dir);
        String name = String.format("step-%08d", step);
        Path tmp = dir.resolve(".tmp-" + name);
        deleteTree(tmp);
        Files.createDirectories(tmp);
        writeSynced(tmp.resolve(MODEL), out -> saveParameters(params, out));
        writeSynced(tmp.resolve(OPTIMIZER), optimizer::save);
        writeSynced(tmp.resolve(PROVENANCE), out -> out.write(provenanceJson.getBytes(StandardCharsets.UTF_8)));
        fsync(tmp);
        Path target = dir.resolve(name);
        deleteTree(target);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        fsync(dir);
        List<Path> all = list();
        for (int i = 0; i < all.size() - keepLast; i++) {
            deleteTree(all.get(i));
        }
        return target;
    }

    /** Loads parameters and optimizer state from {@code checkpoint}. */
    public static void load(Path checkpoint, PairList<String, Parameter> params, AdamW optimizer) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                Files.newInputStream(checkpoint.resolve(MODEL)), 1 << 16))) {
            int n = in.readInt();
            if (n != params.size()) {
                throw new IOException(checkpoint + ": holds " + n + " parameters, the model " + params.size()
                        + "; resume with the model config the checkpoint was written with");
            }
            for (Pair<String, Parameter> p : params) {
                String name = in.readUTF();
                if (!name.equals(p.getKey())) {
                    throw new IOException(checkpoint + ": parameter " + name + " where the model has " + p.getKey()
                            + "; resume with the same model config");
                }
                AdamW.Tensors.read(in, p.getValue().getArray());
            }
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                Files.newInputStream(checkpoint.resolve(OPTIMIZER)), 1 << 16))) {
            optimizer.load(in);
        }
    }

    private static void saveParameters(PairList<String, Parameter> params, DataOutputStream out) throws IOException {
        out.writeInt(params.size());
        for (Pair<String, Parameter> p : params) {
            out.writeUTF(p.getKey());
            NDArray a = p.getValue().getArray();
            AdamW.Tensors.write(out, a);
        }
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static void writeSynced(Path file, Writer w) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream os = java.nio.channels.Channels.newOutputStream(ch);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
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
}
